using NodaTime;

namespace Quota.AspNetCore.Tests.Support;

/// <summary>
/// The in-memory store, reporting in every snapshot that leased blocks hold <paramref name="reserved"/> units of each meter
/// (counted in the meters too), as a leasing store does while instances hold blocks.
/// </summary>
public sealed class ReservingStore(IClock clock, long reserved) : IQuotaStore
{
    private readonly InMemoryQuotaStore _inner = new(clock);

    public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
        => _inner.TryAddAsync(counter, deltas, expiresAt, cancellationToken);

    public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
        => _inner.AddAsync(counter, deltas, expiresAt, idempotencyId, cancellationToken);

    public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
        => _inner.SubtractAsync(counter, deltas, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => _inner.ReadAsync(counter, cancellationToken);

    public ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
        => _inner.ResetAsync(counter, cancellationToken);

    public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
        => _inner.GetOrSetAnchorAsync(policy, key, candidate, cancellationToken);

    public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
        => _inner.GetAnchorAsync(policy, key, cancellationToken);

    public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
        => _inner.GrantAsync(counter, grant, maxTotal, expiresAt, cancellationToken);

    public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
        => _inner.TryMarkAlertAsync(counter, alert, expiresAt, cancellationToken);

    public async ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
    {
        var snapshots = await _inner.ReadCountersAsync(counters, cancellationToken);
        return [.. snapshots.Select(s => s.Meters.Count == 0
            ? s
            : new QuotaCounterSnapshot(s.Counter, s.Meters.ToDictionary(m => m.Key, m => m.Value + reserved), s.Grants, s.Alerts, s.Meters.ToDictionary(m => m.Key, _ => reserved)))];
    }

    public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        => _inner.ListSubjectsAsync(policy, continuation, limit, cancellationToken);
}
