using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>Grants: extra allowance kept beside a counter, compared atomically with its adds, gone with the counter.</summary>
public abstract partial class QuotaStoreContract
{
    protected QuotaGrant Grant(string meter, long amount, string reason = "support ticket 4711") => new(meter, amount, reason, Clock.GetCurrentInstant());

    /// <summary>Reads one counter in full.</summary>
    protected static async Task<QuotaCounterSnapshot> Snapshot(IQuotaStore store, QuotaCounterKey counter)
        => Assert.Single(await store.ReadCountersAsync([counter]));

    /// <summary>A result's grants of delta <paramref name="index"/>: zero when the store reports none.</summary>
    protected static long GrantedAt(QuotaCounterValues granted, int index) => granted.Count == 0 ? 0 : granted[index];

    [Fact]
    public async Task A_grant_raises_the_limit_of_its_counter_for_every_later_add()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 5)), Expiry)).Applied);
        }

        Assert.False((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 5)), Expiry)).Applied);

        var granted = await store.GrantAsync(counter, Grant("requests", 3), long.MaxValue - 5, Expiry);

        Assert.Equal(new QuotaGrantResult(true, 3), granted);
        for (var i = 6; i <= 8; i++)
        {
            var result = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 5)), Expiry);
            Assert.True(result.Applied, $"add {i} fits within 5 + 3");
            Assert.Equal(i, result.Values[0]);
            Assert.Equal(3, GrantedAt(result.Granted, 0));
        }

        var refused = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 5)), Expiry);
        Assert.False(refused.Applied);
        Assert.Equal(0, refused.RefusedIndex);
        Assert.Equal(8, refused.Values[0]);
        Assert.Equal(3, refused.Granted[0]);
    }

    [Fact]
    public async Task Grants_count_per_meter_and_are_reported_with_each_add()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.GrantAsync(counter, Grant("tokens", 500), long.MaxValue, Expiry);

        // requests has no grant, tokens has 500: the tokens limit is 1,500 for this counter.
        var fits = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("tokens", 1_400, 1_000)), Expiry);
        var over = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("tokens", 101, 1_000)), Expiry);
        var recorded = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("tokens", 50)), Expiry);

        Assert.True(fits.Applied);
        Assert.Equal(0, GrantedAt(fits.Granted, 0));
        Assert.Equal(500, fits.Granted[1]);
        Assert.False(over.Applied);
        Assert.Equal(1, over.RefusedIndex);
        Assert.Equal(500, recorded.Granted[0]);
        Assert.Equal(1_450, recorded.Values[0]);
    }

    [Fact]
    public async Task An_add_to_a_counter_without_grants_reports_none()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var result = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("tokens", 5)), Expiry);

        Assert.True(result.Granted.Count == 0 || (result.Granted[0] == 0 && result.Granted[1] == 0));
    }

    [Fact]
    public async Task Grants_raise_limits_exactly_past_2_to_the_53()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        const long limit = 1L << 60;
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("bytes", limit - 3)), Expiry);
        await store.GrantAsync(counter, Grant("bytes", 5), long.MaxValue - limit, Expiry);

        var fits = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 7, limit)), Expiry);
        var over = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 2, limit)), Expiry);
        var last = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 1, limit)), Expiry);

        Assert.True(fits.Applied);
        Assert.Equal(limit + 4, fits.Values[0]);
        Assert.False(over.Applied);
        Assert.Equal(limit + 4, over.Values[0]);
        Assert.True(last.Applied);
        Assert.Equal(limit + 5, last.Values[0]);
        Assert.Equal(5, last.Granted[0]);
    }

    [Fact]
    public async Task Grants_never_take_a_meter_past_long_MaxValue()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        const long limit = long.MaxValue - 4;
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("bytes", long.MaxValue - 6)), Expiry);
        await store.GrantAsync(counter, Grant("bytes", 4), long.MaxValue - limit, Expiry);

        var fits = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 6, limit)), Expiry);
        var full = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 1, limit)), Expiry);

        Assert.True(fits.Applied);
        Assert.Equal(long.MaxValue, fits.Values[0]);
        Assert.False(full.Applied);
        Assert.Equal(long.MaxValue, (await store.ReadAsync(counter))["bytes"]);
    }

    [Fact]
    public async Task Grants_are_kept_with_their_reasons_in_order()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        var first = Grant("requests", 100, "onboarding");
        Clock.Advance(Duration.FromMinutes(5));
        var second = Grant("requests", 50, "ticket 17: outage credit, \"sorry\"");

        await store.GrantAsync(counter, first, long.MaxValue, Expiry);
        var total = await store.GrantAsync(counter, second, long.MaxValue, Expiry);

        Assert.Equal(150, total.Total);
        var snapshot = await Snapshot(store, counter);
        Assert.Equal(counter, snapshot.Counter);
        Assert.Equal([first, second], snapshot.Grants);
        Assert.Equal(150, snapshot.Granted["requests"]);
        Assert.False(snapshot.IsEmpty);
    }

    [Fact]
    public async Task A_grant_past_its_maximum_is_refused_and_changes_nothing()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var first = await store.GrantAsync(counter, Grant("requests", 5), maxTotal: 7, Expiry);
        var refused = await store.GrantAsync(counter, Grant("requests", 3), maxTotal: 7, Expiry);
        var huge = await store.GrantAsync(counter, Grant("requests", long.MaxValue), maxTotal: long.MaxValue, Expiry);

        Assert.Equal(new QuotaGrantResult(true, 5), first);
        Assert.Equal(new QuotaGrantResult(false, 5), refused);
        Assert.Equal(new QuotaGrantResult(false, 5), huge);
        Assert.Single((await Snapshot(store, counter)).Grants);
    }

    [Fact]
    public async Task A_grant_belongs_to_its_counter_alone()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        var nextCycle = counter with { CycleStart = counter.CycleStart + Duration.FromHours(1) };
        var otherSubject = counter with { Key = "someone-else" };
        await store.GrantAsync(counter, Grant("requests", 10), long.MaxValue, Expiry);

        Assert.True((await store.TryAddAsync(nextCycle, Deltas(new QuotaMeterDelta("requests", 1, 1)), Expiry)).Applied);
        Assert.False((await store.TryAddAsync(nextCycle, Deltas(new QuotaMeterDelta("requests", 1, 1)), Expiry)).Applied);
        Assert.True((await store.TryAddAsync(otherSubject, Deltas(new QuotaMeterDelta("requests", 1, 1)), Expiry)).Applied);
        Assert.False((await store.TryAddAsync(otherSubject, Deltas(new QuotaMeterDelta("requests", 1, 1)), Expiry)).Applied);
        Assert.Empty((await Snapshot(store, nextCycle)).Grants);
    }

    [Fact]
    public async Task A_grant_goes_with_its_expired_counter()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.GrantAsync(counter, Grant("requests", 10), long.MaxValue, Clock.GetCurrentInstant() + Duration.FromSeconds(10));

        Clock.Advance(Duration.FromSeconds(11));

        Assert.True((await Snapshot(store, counter)).IsEmpty);
        Assert.True((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 1)), Expiry)).Applied);
        Assert.False((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 1)), Expiry)).Applied);
    }

    [Fact]
    public async Task A_grant_extends_its_counter_like_an_add()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 2, 10)), Clock.GetCurrentInstant() + Duration.FromSeconds(10));
        await store.GrantAsync(counter, Grant("requests", 1), long.MaxValue, Clock.GetCurrentInstant() + Duration.FromSeconds(100));

        Clock.Advance(Duration.FromSeconds(50));

        var snapshot = await Snapshot(store, counter);
        Assert.Equal(2, snapshot.Meters["requests"]);
        Assert.Single(snapshot.Grants);
    }

    [Fact]
    public async Task Reset_empties_usage_but_keeps_grants_and_fired_alerts()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 5, 5)), Expiry);
        await store.GrantAsync(counter, Grant("requests", 2), long.MaxValue, Expiry);
        await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry);

        await store.ResetAsync(counter);

        var snapshot = await Snapshot(store, counter);
        Assert.All(snapshot.Meters.Values, value => Assert.Equal(0, value));
        Assert.Single(snapshot.Grants);
        Assert.Single(snapshot.Alerts);
        Assert.False(await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry));
        Assert.True((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 7, 5)), Expiry)).Applied);
        Assert.False((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 5)), Expiry)).Applied);
    }

    [Fact]
    public async Task A_grant_to_an_unused_counter_creates_it_without_usage()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        await store.GrantAsync(counter, Grant("requests", 10), long.MaxValue, Expiry);

        var snapshot = await Snapshot(store, counter);
        Assert.All(snapshot.Meters.Values, value => Assert.Equal(0, value));
        Assert.Equal(10, snapshot.Granted["requests"]);
        Assert.Equal(10, (await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 10, 0)), Expiry)).Values[0]);
    }

    [Fact]
    public async Task Concurrent_grants_and_consumes_spend_exactly_the_raised_limit()
    {
        var store = CreateStore(Clock);
        var peer = CreatePeerStore(store, Clock);
        var counter = NewCounter();
        const long limit = 50;
        const int grantsPerGranter = 5;
        long consumed = 0;
        long granted = 0;

        // Even callers consume, odd ones grant, through both handles at once.
        await RunConcurrently(store, peer, async (handle, caller) =>
        {
            for (var i = 0; i < 20; i++)
            {
                if (caller % 2 == 0)
                {
                    if ((await handle.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, limit)), Expiry)).Applied)
                    {
                        Interlocked.Increment(ref consumed);
                    }
                }
                else if (i < grantsPerGranter)
                {
                    Assert.True((await handle.GrantAsync(counter, Grant("requests", 2, $"caller {caller}"), long.MaxValue - limit, Expiry)).Applied);
                    Interlocked.Add(ref granted, 2);
                }
            }
        });

        // Then spend what is left: every unit of the raised limit is spent once, none more.
        while ((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, limit)), Expiry)).Applied)
        {
            consumed++;
        }

        Assert.Equal(limit + granted, consumed);
        var snapshot = await Snapshot(store, counter);
        Assert.Equal(consumed, snapshot.Meters["requests"]);
        Assert.Equal(granted, snapshot.Granted["requests"]);
        Assert.Equal(ConcurrentCallers / 2 * grantsPerGranter, snapshot.Grants.Count);
    }

    [Fact]
    public async Task Bad_grants_are_refused_with_a_clear_message()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var zero = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GrantAsync(counter, Grant("requests", 0), long.MaxValue, Expiry));
        Assert.Contains("positive", zero.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GrantAsync(counter, Grant("requests", -5), long.MaxValue, Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GrantAsync(counter, Grant("", 5), long.MaxValue, Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GrantAsync(counter, new QuotaGrant("requests", 5, null!, Clock.GetCurrentInstant()), long.MaxValue, Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GrantAsync(counter, Grant("requests", 5), maxTotal: -1, Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GrantAsync(counter with { Key = "" }, Grant("requests", 5), long.MaxValue, Expiry));
        Assert.True((await Snapshot(store, counter)).IsEmpty);
    }
}
