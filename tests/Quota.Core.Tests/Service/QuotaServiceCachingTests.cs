using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaServiceCachingTests
{
    [Fact]
    public async Task A_first_use_anchor_is_read_from_the_store_once_per_subject()
    {
        var clock = FakeClock.Default();
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

    private sealed class CountingStore(IQuotaStore inner) : IQuotaStore
    {
        public int AnchorCalls;
        public int TryAddCalls;

        public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref TryAddCalls);
            return inner.TryAddAsync(counter, deltas, expiresAt, cancellationToken);
        }

        public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
            => inner.AddAsync(counter, deltas, expiresAt, idempotencyId, cancellationToken);

        public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
            => inner.SubtractAsync(counter, deltas, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
            => inner.ReadAsync(counter, cancellationToken);

        public ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
            => inner.ResetAsync(counter, cancellationToken);

        public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref AnchorCalls);
            return inner.GetOrSetAnchorAsync(policy, key, candidate, cancellationToken);
        }

        public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref AnchorCalls);
            return inner.GetAnchorAsync(policy, key, cancellationToken);
        }
    }
}
