using NodaTime;

namespace Quota;

/// <summary>A threshold a consume or record reached, waiting to be marked in the store and delivered.</summary>
internal readonly record struct PendingAlert(QuotaCounterKey Counter, string Meter, int Percent, long Used, long Limit, Instant AnchorDate, QuotaCycle Cycle, Instant ReachedAt, Instant ExpiresAt, TimeSpan StoreTimeout)
{
    public QuotaAlert ToAlert() => new(Counter.Policy, Counter.Key, Meter, Percent, Used, Limit, AnchorDate, Cycle, ReachedAt);
}
