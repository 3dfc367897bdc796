using NodaTime;

namespace Quota.Tests.Support;

/// <summary>A store that passes every call to another; tests override the calls they make fail or count.</summary>
public class DelegatingStore(IQuotaStore inner) : IQuotaStore
{
    public virtual ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default) => inner.TryAddAsync(counter, deltas, expiresAt, cancellationToken);

    public virtual ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default) => inner.AddAsync(counter, deltas, expiresAt, idempotencyId, cancellationToken);

    public virtual ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default) => inner.SubtractAsync(counter, deltas, cancellationToken);

    public virtual ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default) => inner.ReadAsync(counter, cancellationToken);

    public virtual ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default) => inner.ResetAsync(counter, cancellationToken);

    public virtual ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default) => inner.GetOrSetAnchorAsync(policy, key, candidate, cancellationToken);

    public virtual ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default) => inner.GetAnchorAsync(policy, key, cancellationToken);

    public virtual ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default) => inner.GrantAsync(counter, grant, maxTotal, expiresAt, cancellationToken);

    public virtual ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default) => inner.TryMarkAlertAsync(counter, alert, expiresAt, cancellationToken);

    public virtual ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default) => inner.ReadCountersAsync(counters, cancellationToken);

    public virtual ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default) => inner.ListSubjectsAsync(policy, continuation, limit, cancellationToken);
}
