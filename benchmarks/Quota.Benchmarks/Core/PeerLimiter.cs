using System.Threading.RateLimiting;

namespace Quota.Benchmarks.Core;

/// <summary>The peer the consume benchmarks compare with: ASP.NET Core's fixed window per key, which never runs out.</summary>
internal static class PeerLimiter
{
    public static PartitionedRateLimiter<string> Create()
        => PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = int.MaxValue,
            Window = TimeSpan.FromDays(30),
            QueueLimit = 0,
        }));
}
