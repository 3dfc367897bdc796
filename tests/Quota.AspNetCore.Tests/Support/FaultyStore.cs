using NodaTime;

namespace Quota.AspNetCore.Tests.Support;

/// <summary>
/// A store that fails every call: by throwing, or by never answering until the call's token is cancelled, which the
/// service does at the policy's StoreTimeout (a store honours its token: see IQuotaStore).
/// </summary>
public sealed class FaultyStore(bool hang) : IQuotaStore
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
        => Fail<QuotaStoreResult>(cancellationToken);

    public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
        => Fail<QuotaAddResult>(cancellationToken);

    public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
        => Fail<QuotaCounterValues>(cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => Fail<IReadOnlyDictionary<string, long>>(cancellationToken);

    public async ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => await Fail<bool>(cancellationToken);

    public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
        => Fail<Instant>(cancellationToken);

    public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
        => Fail<Instant?>(cancellationToken);

    public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
        => Fail<QuotaGrantResult>(cancellationToken);

    public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
        => Fail<bool>(cancellationToken);

    public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
        => Fail<IReadOnlyList<QuotaCounterSnapshot>>(cancellationToken);

    public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        => Fail<QuotaSubjectPage>(cancellationToken);

    private ValueTask<T> Fail<T>(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return hang
            ? new ValueTask<T>(new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously).Task.WaitAsync(cancellationToken))
            : ValueTask.FromException<T>(new IOException("The test store is down."));
    }
}
