using System.Threading.Tasks.Sources;
using NodaTime;

namespace Quota.Benchmarks.Core;

/// <summary>
/// A store whose consume is pending when returned and answers as soon as it is awaited, on the awaiting thread: an
/// asynchronous store without I/O or thread hops. Single-threaded use only (one benchmark caller).
/// </summary>
internal sealed class AnswerOnAwaitStore : IQuotaStore, IValueTaskSource<QuotaStoreResult>
{
    private static readonly QuotaStoreResult Applied = new(true, -1, new QuotaCounterValues(1));
    private ManualResetValueTaskSourceCore<QuotaStoreResult> _core;

    public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        _core.Reset();
        return new ValueTask<QuotaStoreResult>(this, _core.Version);
    }

    QuotaStoreResult IValueTaskSource<QuotaStoreResult>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<QuotaStoreResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<QuotaStoreResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        _core.OnCompleted(continuation, state, token, flags);
        _core.SetResult(Applied);
    }

    public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();

    public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        => throw new NotSupportedException();
}
