using System.Collections.Concurrent;
using NodaTime;

namespace Quota;

/// <summary>
/// The default <see cref="IQuotaStore"/>: counters in this process's memory, finely locked (one lock per counter),
/// allocation-free once a counter exists. Usage is lost when the process ends; use the SQLite store to keep it, or
/// the Redis store to share it between processes.
/// </summary>
/// <remarks>
/// Counters whose expiry has passed read as empty at once and are deleted by a sweep that runs in the background at
/// most once per <see cref="InMemoryQuotaStoreOptions.SweepInterval"/>, so memory stays bounded by the subjects active
/// in the current cycles. First-use anchors are kept for the life of the store (one small entry per policy and subject).
/// </remarks>
public sealed partial class InMemoryQuotaStore : IQuotaStore
{
    private readonly ConcurrentDictionary<QuotaCounterKey, Counter> _counters = new(CounterKeyComparer.Instance);
    private readonly ConcurrentDictionary<(string Policy, string Key), Instant> _anchors = new();
    private readonly IClock _clock;
    private readonly Duration _sweepInterval;
    private long _operations;
    private long _cachedOperations;
    private Instant _lastSweep;
    private int _sweeping;

    /// <summary>Initializes a store that reads time from <paramref name="clock"/>.</summary>
    /// <param name="clock">The clock that decides when counters have expired.</param>
    /// <param name="options">The store's options; defaults when <see langword="null"/>.</param>
    public InMemoryQuotaStore(IClock clock, InMemoryQuotaStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        options ??= new InMemoryQuotaStoreOptions();
        if (options.SweepInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SweepInterval, "SweepInterval must be positive, e.g. TimeSpan.FromMinutes(1).");
        }

        _clock = clock;
        _sweepInterval = Duration.FromTimeSpan(options.SweepInterval);
        _lastSweep = clock.GetCurrentInstant();
    }

    /// <summary>Gets the number of counters held, including expired ones the sweep has not deleted yet.</summary>
    public int CounterCount => _counters.Count;

    /// <inheritdoc />
    public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
        => new(Write(counter, deltas, expiresAt, idempotencyId: null, static (entry, deltas, _) => entry.TryAdd(deltas), cancellationToken, out _));

    /// <summary>
    /// The service's fast path for <see cref="TryAddAsync"/>: adds through the counter cached on a subject's own cycle,
    /// skipping the lookup, and falls back to the lookup (caching the counter it finds) when none is cached or the cached
    /// one was removed by a reset or a sweep. The caller passes deltas it built itself, so they are not checked again.
    /// </summary>
    internal QuotaStoreResult TryAdd(CycleBox box, QuotaCounterKey counter, QuotaMeterDelta[] deltas, CancellationToken cancellationToken)
    {
        if (box.Counter is { } cached)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAdd(cached, deltas, out var added))
            {
                return added;
            }
        }

        var result = Write(counter, deltas, box.ExpiresAt, idempotencyId: null, static (entry, deltas, _) => entry.TryAdd(deltas), cancellationToken, out var written);
        box.Counter = written;
        return result;
    }

    /// <inheritdoc />
    public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
        => new(Write(counter, deltas, expiresAt, idempotencyId, static (entry, deltas, id) => entry.Add(deltas, id), cancellationToken, out _));

    /// <summary>
    /// A conditional add to a counter the service cached on a subject's current cycle. The counter's expiry was extended
    /// to that cycle's when it was cached, so only a removal (a reset, a sweep) can have retired it: then nothing is added
    /// and the caller looks the counter up again.
    /// </summary>
    internal bool TryAdd(Counter counter, QuotaMeterDelta[] deltas, out QuotaStoreResult result)
    {
        // Counts towards the sweep without an interlocked add: a lost increment only delays the next sweep check.
        if ((++_cachedOperations & 1023) == 0)
        {
            SweepIfDue();
        }

        using (counter.Enter())
        {
            if (!counter.Removed)
            {
                result = counter.TryAdd(deltas);
                return true;
            }
        }

        result = default;
        return false;
    }

    /// <inheritdoc />
    public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, deltas.Span);
        cancellationToken.ThrowIfCancellationRequested();
        CountOperation();
        var now = _clock.GetCurrentInstant();
        if (_counters.TryGetValue(counter, out var entry))
        {
            using (entry.Enter())
            {
                if (!entry.Removed && entry.ExpiresAt > now)
                {
                    return new ValueTask<QuotaCounterValues>(entry.Subtract(deltas.Span));
                }
            }
        }

        return new ValueTask<QuotaCounterValues>(QuotaCounterValues.From(new long[deltas.Length]));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _clock.GetCurrentInstant();
        if (_counters.TryGetValue(counter, out var entry))
        {
            using (entry.Enter())
            {
                if (!entry.Removed && entry.ExpiresAt > now)
                {
                    return new ValueTask<IReadOnlyDictionary<string, long>>(entry.Snapshot());
                }
            }
        }

        return new ValueTask<IReadOnlyDictionary<string, long>>(EmptyMeters.Instance);
    }

    /// <inheritdoc />
    public ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter);
        cancellationToken.ThrowIfCancellationRequested();
        if (_counters.TryGetValue(counter, out var entry))
        {
            using (entry.Enter())
            {
                // Grants and fired alerts outlive a reset, so a counter holding any is emptied in place.
                if (entry.HoldsGrantsOrAlerts)
                {
                    entry.ClearUsage();
                }
                else
                {
                    RemoveHeld(counter, entry, onlyIfExpiredAt: null);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateSubject(policy, key);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<Instant>(_anchors.GetOrAdd((policy, key), candidate));
    }

    /// <inheritdoc />
    public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateSubject(policy, key);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<Instant?>(_anchors.TryGetValue((policy, key), out var anchor) ? anchor : null);
    }

    /// <summary>Runs a write on the counter under its lock, creating the counter when absent and renewing it when expired.</summary>
    private TResult Write<TResult>(
        QuotaCounterKey counter,
        ReadOnlyMemory<QuotaMeterDelta> deltas,
        Instant expiresAt,
        string? idempotencyId,
        Func<Counter, ReadOnlySpan<QuotaMeterDelta>, string?, TResult> write,
        CancellationToken cancellationToken,
        out Counter written)
    {
        StoreArguments.Validate(counter, deltas.Span, idempotencyId);
        cancellationToken.ThrowIfCancellationRequested();
        CountOperation();
        using (EnterLive(counter, expiresAt, out written))
        {
            return write(written, deltas.Span, idempotencyId);
        }
    }

    /// <summary>Finds the counter (creating it when absent), holds it and renews it: the start of every write.</summary>
    /// <returns>The scope that releases the counter.</returns>
    private Counter.Held EnterLive(QuotaCounterKey counter, Instant expiresAt, out Counter entry)
    {
        while (true)
        {
            entry = _counters.GetOrAdd(counter, static key => new Counter(key.Policy));
            var held = entry.Enter();

            // A counter the sweep removed after we found it: start over on a fresh one.
            if (!entry.Removed)
            {
                entry.Renew(_clock, expiresAt);
                return held;
            }

            held.Dispose();
        }
    }

    /// <summary>Deletes every counter whose expiry has passed.</summary>
    /// <returns>The number of counters deleted.</returns>
    public int PurgeExpired()
    {
        var now = _clock.GetCurrentInstant();
        var removed = 0;
        foreach (var pair in _counters)
        {
            bool expired;
            using (pair.Value.Enter())
            {
                expired = !pair.Value.Removed && pair.Value.ExpiresAt <= now;
            }

            if (expired && Remove(pair.Key, pair.Value, onlyIfExpiredAt: now))
            {
                removed++;
            }
        }

        return removed;
    }

    private bool Remove(QuotaCounterKey key, Counter entry, Instant onlyIfExpiredAt)
    {
        using (entry.Enter())
        {
            return RemoveHeld(key, entry, onlyIfExpiredAt);
        }
    }

    /// <summary>Removes a counter the caller holds, unless removed already or (with <paramref name="onlyIfExpiredAt"/>) still live then.</summary>
    private bool RemoveHeld(QuotaCounterKey key, Counter entry, Instant? onlyIfExpiredAt)
    {
        if (entry.Removed || (onlyIfExpiredAt is { } now && entry.ExpiresAt > now))
        {
            return false;
        }

        // Marked under the counter's lock, so a writer that found this counter before it left the
        // dictionary sees the mark and retries on a fresh counter instead of writing into a deleted one.
        entry.Removed = true;
        _counters.TryRemove(new KeyValuePair<QuotaCounterKey, Counter>(key, entry));
        return true;
    }

    /// <summary>Every 1,024 writes, reads the clock and starts a background sweep when one is due.</summary>
    private void CountOperation()
    {
        if ((Interlocked.Increment(ref _operations) & 1023) == 0)
        {
            SweepIfDue();
        }
    }

    /// <summary>Starts a background sweep when the last one is at least a sweep interval old.</summary>
    private void SweepIfDue()
    {
        var now = _clock.GetCurrentInstant();
        if (now - _lastSweep >= _sweepInterval && Interlocked.CompareExchange(ref _sweeping, 1, 0) == 0)
        {
            _lastSweep = now;
            ThreadPool.UnsafeQueueUserWorkItem(
                static store =>
                {
                    try
                    {
                        store.PurgeExpired();
                    }
                    finally
                    {
                        Volatile.Write(ref store._sweeping, 0);
                    }
                },
                this,
                preferLocal: false);
        }
    }
}
