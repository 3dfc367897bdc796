using NodaTime.Testing;
using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>
/// The promises every <see cref="IQuotaStore"/> keeps, as tests. A store's test class inherits this and says how to
/// create the store; xunit runs every test below against it (like System.Threading.RateLimiting's BaseRateLimiterTests).
/// Each test works under its own fresh policy name, so stores backed by a shared server need no cleanup between tests.
/// </summary>
public abstract partial class QuotaStoreContract
{
    protected QuotaStoreContract()
    {
        Clock = FakeClock.FromUtc(2026, 1, 1);
    }

    /// <summary>Gets the clock the store under test must read time from.</summary>
    protected FakeClock Clock { get; }

    /// <summary>How many concurrent callers the concurrency tests use. Stores may raise it.</summary>
    protected virtual int ConcurrentCallers => 32;

    /// <summary>Creates the store under test, reading time from <paramref name="clock"/>.</summary>
    protected abstract IQuotaStore CreateStore(FakeClock clock);

    /// <summary>Creates a second, independent handle on the same underlying data (another connection, another process's view), or the same store where there is only one.</summary>
    protected virtual IQuotaStore CreatePeerStore(IQuotaStore store, FakeClock clock) => store;

    protected static string NewPolicy() => "contract-" + Guid.NewGuid().ToString("N");

    protected QuotaCounterKey NewCounter(string key = "subject") => new(NewPolicy(), key, Clock.GetCurrentInstant());

    protected Instant Expiry => Clock.GetCurrentInstant() + Duration.FromHours(2);

    protected static QuotaMeterDelta[] Deltas(params QuotaMeterDelta[] deltas) => deltas;

    [Fact]
    public async Task TryAdd_counts_and_reports_usage()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var first = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);
        var second = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 3, 10)), Expiry);

        Assert.True(first.Applied);
        Assert.Equal(-1, first.RefusedIndex);
        Assert.Equal(1, first.Values[0]);
        Assert.True(second.Applied);
        Assert.Equal(4, second.Values[0]);
        var read = await store.ReadAsync(counter);
        Assert.Equal(4, read["requests"]);
    }

    [Fact]
    public async Task TryAdd_allows_exactly_up_to_the_limit_then_refuses()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        for (var i = 1; i <= 5; i++)
        {
            var ok = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 5)), Expiry);
            Assert.True(ok.Applied, $"call {i} of 5 should be allowed");
        }

        var refused = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 5)), Expiry);
        Assert.False(refused.Applied);
        Assert.Equal(0, refused.RefusedIndex);
        Assert.Equal(5, refused.Values[0]);
        Assert.Equal(5, (await store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task TryAdd_is_all_or_nothing_across_meters()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 100), new QuotaMeterDelta("tokens", 900, 1000)), Expiry);

        // requests has room, tokens does not: neither may change.
        var refused = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 100), new QuotaMeterDelta("tokens", 101, 1000)), Expiry);

        Assert.False(refused.Applied);
        Assert.Equal(1, refused.RefusedIndex);
        Assert.Equal(1, refused.Values[0]);
        Assert.Equal(900, refused.Values[1]);
        var read = await store.ReadAsync(counter);
        Assert.Equal(1, read["requests"]);
        Assert.Equal(900, read["tokens"]);

        var fits = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 100), new QuotaMeterDelta("tokens", 100, 1000)), Expiry);
        Assert.True(fits.Applied);
        Assert.Equal(2, fits.Values[0]);
        Assert.Equal(1000, fits.Values[1]);
    }

    [Fact]
    public async Task TryAdd_refuses_when_a_carried_meter_is_exhausted()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("tokens", 1200)), Expiry);

        // tokens went past its allowance through an unconditional add; a request carrying tokens at 0 is refused.
        var refused = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 100), new QuotaMeterDelta("tokens", 0, 1000)), Expiry);

        Assert.False(refused.Applied);
        Assert.Equal(1, refused.RefusedIndex);
        Assert.False((await store.ReadAsync(counter)).TryGetValue("requests", out var requests) && requests != 0);
    }

    [Fact]
    public async Task Zero_limit_refuses_everything()
    {
        var store = CreateStore(Clock);
        var result = await store.TryAddAsync(NewCounter(), Deltas(new QuotaMeterDelta("requests", 1, 0)), Expiry);
        Assert.False(result.Applied);
    }

    [Fact]
    public async Task Unlimited_meters_are_counted_and_never_refuse()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var result = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("bytes", long.MaxValue / 4)), Expiry);
        var again = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("bytes", long.MaxValue / 4)), Expiry);

        Assert.True(result.Applied);
        Assert.True(again.Applied);
        Assert.Equal(long.MaxValue / 4 * 2, again.Values[1]);
    }

    [Fact]
    public async Task Counters_are_separate_per_policy_key_and_cycle()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var start = Clock.GetCurrentInstant();
        var a = new QuotaCounterKey(policy, "alice", start);
        var b = new QuotaCounterKey(policy, "bob", start);
        var nextCycle = new QuotaCounterKey(policy, "alice", start + Duration.FromHours(1));
        var otherPolicy = new QuotaCounterKey(NewPolicy(), "alice", start);

        await store.TryAddAsync(a, Deltas(new QuotaMeterDelta("requests", 3)), Expiry);
        await store.TryAddAsync(b, Deltas(new QuotaMeterDelta("requests", 5)), Expiry);
        await store.TryAddAsync(nextCycle, Deltas(new QuotaMeterDelta("requests", 7)), Expiry);
        await store.TryAddAsync(otherPolicy, Deltas(new QuotaMeterDelta("requests", 11)), Expiry);

        Assert.Equal(3, (await store.ReadAsync(a))["requests"]);
        Assert.Equal(5, (await store.ReadAsync(b))["requests"]);
        Assert.Equal(7, (await store.ReadAsync(nextCycle))["requests"]);
        Assert.Equal(11, (await store.ReadAsync(otherPolicy))["requests"]);
    }

    public static TheoryData<string, string> HostileKeyPairs => new()
    {
        { "a:b", "a" },
        { "{a}", "a" },
        { "a}", "{a" },
        { "user:1:requests", "user:1" },
        { "with space", "with_space" },
        { "ключ-ü-日本", "key" },
        { "a\u0000b", "a" },
        { "*", "?" },
        { "' OR 1=1 --", "x'; DROP TABLE counters; --" },
        { new string('k', 10_240), new string('k', 10_239) },
    };

    [Theory]
    [MemberData(nameof(HostileKeyPairs))]
    public async Task Hostile_keys_are_data_and_never_collide(string first, string second)
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var one = new QuotaCounterKey(policy, first, Clock.GetCurrentInstant());
        var two = new QuotaCounterKey(policy, second, Clock.GetCurrentInstant());

        await store.TryAddAsync(one, Deltas(new QuotaMeterDelta("requests", 2, 10)), Expiry);
        await store.TryAddAsync(two, Deltas(new QuotaMeterDelta("requests", 3, 10)), Expiry);
        await store.GetOrSetAnchorAsync(policy, first, Clock.GetCurrentInstant());
        await store.GetOrSetAnchorAsync(policy, second, Clock.GetCurrentInstant() + Duration.FromDays(1));

        Assert.Equal(2, (await store.ReadAsync(one))["requests"]);
        Assert.Equal(3, (await store.ReadAsync(two))["requests"]);
        Assert.Equal(Clock.GetCurrentInstant(), await store.GetAnchorAsync(policy, first));
        Assert.Equal(Clock.GetCurrentInstant() + Duration.FromDays(1), await store.GetAnchorAsync(policy, second));
    }

    [Fact]
    public async Task Meter_names_are_data_too()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        var result = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("a:b", 1), new QuotaMeterDelta("{x}", 2), new QuotaMeterDelta("ü ü", 3), new QuotaMeterDelta("__expires", 4)), Expiry);

        Assert.True(result.Applied);
        var read = await store.ReadAsync(counter);
        Assert.Equal(4, read.Count);
        Assert.Equal(1, read["a:b"]);
        Assert.Equal(2, read["{x}"]);
        Assert.Equal(3, read["ü ü"]);
        Assert.Equal(4, read["__expires"]);
    }
}
