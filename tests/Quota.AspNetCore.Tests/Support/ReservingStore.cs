using Quota.Tests.Support;

namespace Quota.AspNetCore.Tests.Support;

/// <summary>
/// The in-memory store, reporting in every snapshot that leased blocks hold <paramref name="reserved"/> units of each meter
/// (counted in the meters too), as a leasing store does while instances hold blocks.
/// </summary>
public sealed class ReservingStore(IClock clock, long reserved) : DelegatingStore(new InMemoryQuotaStore(clock))
{
    public override async ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
    {
        var snapshots = await base.ReadCountersAsync(counters, cancellationToken);
        return [.. snapshots.Select(s => s.Meters.Count == 0
            ? s
            : new QuotaCounterSnapshot(s.Counter, s.Meters.ToDictionary(m => m.Key, m => m.Value + reserved), s.Grants, s.Alerts, s.Meters.ToDictionary(m => m.Key, _ => reserved)))];
    }
}
