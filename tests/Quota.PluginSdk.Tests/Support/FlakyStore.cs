namespace Quota.Tests.Support;

/// <summary>
/// Wraps a store and fails adds on demand. <see cref="ApplyThenFail"/> applies the write and then throws, like a
/// connection that drops after the server committed: the case idempotency ids exist for.
/// </summary>
internal sealed class FlakyStore(IQuotaStore inner) : IQuotaStore
{
    private readonly Lock _gate = new();
    private readonly List<string?> _addIds = [];
    private readonly List<long> _addRows = [];

    /// <summary>Gets or sets how many of the next adds apply their write and then throw.</summary>
    public int ApplyThenFail { get; set; }

    /// <summary>Gets or sets how many of the next adds throw without writing.</summary>
    public int FailWithoutApplying { get; set; }

    /// <summary>Gets or sets a value indicating whether every add throws without writing.</summary>
    public bool Down { get; set; }

    private TaskCompletionSource? _hold;
    private TaskCompletionSource? _holdGate;
    private TaskCompletionSource? _reached;
    private TaskCompletionSource? _heldFinished;

    /// <summary>Makes the next adds wait before writing until <see cref="ReleaseHeldWrites"/>.</summary>
    public void HoldWrites()
    {
        _holdGate = NewSignal();
        _reached = NewSignal();
        _heldFinished = NewSignal();
        _hold = _holdGate;
    }

    /// <summary>Waits until an add is held.</summary>
    public Task WhenWriteHeldAsync() => _reached!.Task.WaitAsync(TestTime.Patience);

    /// <summary>Lets adds that start from now on through; those already held keep waiting.</summary>
    public void LetNewWritesThrough() => _hold = null;

    /// <summary>Releases the held adds.</summary>
    public void ReleaseHeldWrites() => _holdGate?.TrySetResult();

    /// <summary>Waits until a held add has finished.</summary>
    public Task WhenHeldWriteFinishedAsync() => _heldFinished!.Task.WaitAsync(TestTime.Patience);

    /// <summary>Gets the failure the store throws, so tests can find it again as an inner exception.</summary>
    public IOException Failure { get; } = new("connection reset by peer");

    /// <summary>Gets the idempotency id of every add, in order.</summary>
    public IReadOnlyList<string?> AddIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _addIds];
            }
        }
    }

    /// <summary>Gets the <c>rows</c> amount of every add, in order.</summary>
    public IReadOnlyList<long> AddRows
    {
        get
        {
            lock (_gate)
            {
                return [.. _addRows];
            }
        }
    }

    /// <summary>
    /// Like a store whose write is already on the wire: the caller stops waiting when its token is cancelled (as every
    /// store must), and the write itself goes on and may still land.
    /// </summary>
    public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
        => new(WriteAsync(counter, deltas, expiresAt, idempotencyId).AsTask().WaitAsync(cancellationToken));

    private async ValueTask<QuotaAddResult> WriteAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId)
    {
        bool apply, fail;
        lock (_gate)
        {
            _addIds.Add(idempotencyId);
            _addRows.Add(deltas.Span.ToArray().FirstOrDefault(d => d.Meter == "rows").Amount);
            fail = Down || FailWithoutApplying > 0 || ApplyThenFail > 0;
            apply = !Down && FailWithoutApplying == 0;
            if (!Down && FailWithoutApplying > 0)
            {
                FailWithoutApplying--;
            }
            else if (!Down && ApplyThenFail > 0)
            {
                ApplyThenFail--;
            }
        }

        var held = _hold;
        try
        {
            if (held is not null)
            {
                _reached?.TrySetResult();
                await held.Task;
            }

            if (!apply)
            {
                throw Failure;
            }

            var result = await inner.AddAsync(counter, deltas, expiresAt, idempotencyId, CancellationToken.None);
            return fail ? throw Failure : result;
        }
        finally
        {
            if (held is not null)
            {
                _heldFinished?.TrySetResult();
            }
        }
    }

    public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
        => inner.TryAddAsync(counter, deltas, expiresAt, cancellationToken);

    public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
        => inner.SubtractAsync(counter, deltas, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => inner.ReadAsync(counter, cancellationToken);

    public ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => inner.ResetAsync(counter, cancellationToken);

    public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
        => inner.GetOrSetAnchorAsync(policy, key, candidate, cancellationToken);

    public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
        => inner.GetAnchorAsync(policy, key, cancellationToken);

    public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
        => inner.GrantAsync(counter, grant, maxTotal, expiresAt, cancellationToken);

    public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
        => inner.TryMarkAlertAsync(counter, alert, expiresAt, cancellationToken);

    public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
        => inner.ReadCountersAsync(counters, cancellationToken);

    public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        => inner.ListSubjectsAsync(policy, continuation, limit, cancellationToken);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
