using NodaTime.Testing;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaServiceCachingTests
{
    [Fact]
    public async Task A_first_use_anchor_is_read_from_the_store_once_per_subject()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        var store = new CountingStore(new InMemoryQuotaStore(clock));
        var quota = Create(clock, q => q.AddPolicy("api", p => { p.Period = "monthly"; p.Allowances["requests"] = 100; }), store);

        for (var i = 0; i < 5; i++)
        {
            await quota.TryConsumeAsync("api", "alice");
            clock.Advance(Duration.FromDays(10));
        }

        Assert.Equal(1, store.AnchorCalls);
        Assert.Equal(5, store.TryAddCalls);
    }

    private sealed class CountingStore(IQuotaStore inner) : DelegatingStore(inner)
    {
        public int AnchorCalls;
        public int TryAddCalls;

        public override ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref TryAddCalls);
            return base.TryAddAsync(counter, deltas, expiresAt, cancellationToken);
        }

        public override ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref AnchorCalls);
            return base.GetOrSetAnchorAsync(policy, key, candidate, cancellationToken);
        }

        public override ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref AnchorCalls);
            return base.GetAnchorAsync(policy, key, cancellationToken);
        }
    }
}
