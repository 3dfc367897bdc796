using NodaTime.Testing;

namespace Quota.Tests.Storage;

public sealed class InMemoryQuotaStoreTests : QuotaStoreContract
{
    protected override IQuotaStore CreateStore(FakeClock clock) => new InMemoryQuotaStore(clock);

    [Fact]
    public async Task Purge_deletes_expired_counters_only()
    {
        var store = new InMemoryQuotaStore(Clock);
        var policy = NewPolicy();
        for (var i = 0; i < 1000; i++)
        {
            await store.TryAddAsync(new QuotaCounterKey(policy, "old-" + i, Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromMinutes(1));
        }

        await store.TryAddAsync(new QuotaCounterKey(policy, "current", Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromHours(1));
        Clock.Advance(Duration.FromMinutes(2));

        Assert.Equal(1000, store.PurgeExpired());
        Assert.Equal(1, store.CounterCount);
        Assert.Equal(1, (await store.ReadAsync(new QuotaCounterKey(policy, "current", Clock.GetCurrentInstant() - Duration.FromMinutes(2))))["requests"]);
    }

    [Fact]
    public async Task Memory_stays_bounded_as_cycles_pass()
    {
        var store = new InMemoryQuotaStore(Clock, new InMemoryQuotaStoreOptions { SweepInterval = TimeSpan.FromSeconds(1) });
        var policy = NewPolicy();

        // 50 hourly cycles of 2,000 subjects each: the background sweep keeps only what has not expired.
        for (var cycle = 0; cycle < 50; cycle++)
        {
            for (var i = 0; i < 2000; i++)
            {
                await store.TryAddAsync(new QuotaCounterKey(policy, "k" + i, Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1, 10)), Clock.GetCurrentInstant() + Duration.FromHours(1));
            }

            Clock.Advance(Duration.FromHours(1) + Duration.FromSeconds(1));
        }

        // Traffic of the new cycle drives the sweep; every counter of the 50 old cycles has expired by now.
        var live = new QuotaCounterKey(policy, "live", Clock.GetCurrentInstant());
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (store.CounterCount > 1 && DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < 1024; i++)
            {
                await store.TryAddAsync(live, Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromHours(1));
            }

            Clock.Advance(Duration.FromSeconds(2));
            await Task.Delay(10);
        }

        Assert.Equal(1, store.CounterCount);
    }

    [Fact]
    public void Options_are_validated()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryQuotaStore(Clock, new InMemoryQuotaStoreOptions { SweepInterval = TimeSpan.Zero }));
        Assert.Contains("SweepInterval", error.Message);
    }
}
