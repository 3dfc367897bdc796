using NodaTime.Testing;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;
using StackExchange.Redis;

namespace Quota.Tests.Storage;

/// <summary>The store contract on a single Redis server, plus what is particular to Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisQuotaStoreTests(RedisServerFixture redis) : QuotaLeaseStoreContract
{
    private static readonly Duration Grace = Duration.FromMinutes(1);

    protected override IQuotaStore CreateStore(FakeClock clock) => Store(redis.Main, clock);

    protected override IQuotaStore CreatePeerStore(IQuotaStore store, FakeClock clock) => Store(redis.Peer, clock);

    private static RedisQuotaStore Store(IConnectionMultiplexer connection, IClock clock)
        => TestStores.On(connection, clock);

    private IDatabase Db => redis.Main.GetDatabase();

    [Fact]
    public async Task Counters_past_2_pow_53_stay_exact_and_are_compared_exactly()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("bytes", long.MaxValue - 5)), Expiry);

        // Within one unit of the limit: doubles would round both sides to the same value.
        var fits = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 3, long.MaxValue - 2)), Expiry);
        var over = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 1, long.MaxValue - 2)), Expiry);
        var subtracted = await store.SubtractAsync(counter, Deltas(new QuotaMeterDelta("bytes", 1)));

        Assert.True(fits.Applied);
        Assert.Equal(long.MaxValue - 2, fits.Values[0]);
        Assert.False(over.Applied);
        Assert.Equal(long.MaxValue - 2, over.Values[0]);
        Assert.Equal(long.MaxValue - 3, subtracted[0]);
        Assert.Equal(long.MaxValue - 3, (await store.ReadAsync(counter))["bytes"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Counters_step_across_2_pow_53_one_unit_at_a_time(int meters)
    {
        // try_add.lua answers one meter on its own path and several on the general one; both read a result past 2^53,
        // which Lua's numbers do not hold exactly, back as a string.
        const long edge = 1L << 53;
        var store = CreateStore(Clock);
        var counter = NewCounter();
        QuotaMeterDelta[] start = [new("a", edge - 2), new("b", edge - 3)];
        await store.AddAsync(counter, Deltas(start[..meters]), Expiry);

        QuotaMeterDelta[] step = [new("a", 1, long.MaxValue), new("b", 1)];
        for (var i = 1; i <= 4; i++)
        {
            var result = await store.TryAddAsync(counter, Deltas(step[..meters]), Expiry);
            Assert.True(result.Applied);
            for (var m = 0; m < meters; m++)
            {
                Assert.Equal(start[m].Amount + i, result.Values[m]);
            }
        }

        var read = await store.ReadAsync(counter);
        for (var m = 0; m < meters; m++)
        {
            Assert.Equal(start[m].Amount + 4, read[start[m].Meter]);
        }
    }

    [Fact]
    public async Task Scripts_are_sent_again_after_the_server_forgets_them()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);
        var sha = Convert.ToHexStringLower(RedisScript.TryAdd.Hash);
        Assert.Equal("1", (await CliAsync("script", "exists", sha)).Trim());

        await CliAsync("script", "flush");
        Assert.Equal("0", (await CliAsync("script", "exists", sha)).Trim());
        var after = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);
        var again = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);

        Assert.True(after.Applied);
        Assert.Equal(3, again.Values[0]);
        Assert.Equal("1", (await CliAsync("script", "exists", sha)).Trim());
    }

    [Fact]
    public async Task A_counter_is_one_hash_with_meters_apart_from_its_expiry()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter("alice");
        var expiresAt = Clock.GetCurrentInstant() + Duration.FromHours(3);

        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("x", 2), new QuotaMeterDelta("__expires", 3)), expiresAt);
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("tokens", 40)), expiresAt, "flush-1");

        var tag = RedisQuotaKeys.Tag(counter.Policy, counter.Key);
        var start = Clock.GetCurrentInstant().ToUnixTimeMilliseconds();
        var hash = (await Db.HashGetAllAsync($"quota:{{{tag}}}:c:{start}")).ToDictionary(e => (string)e.Name!, e => (long)e.Value);
        Assert.Equal(
            new Dictionary<string, long> { ["x"] = expiresAt.ToUnixTimeMilliseconds(), ["m:requests"] = 1, ["m:x"] = 2, ["m:__expires"] = 3, ["m:tokens"] = 40 },
            hash);
        Assert.Equal(["flush-1"], (await Db.SetMembersAsync($"quota:{{{tag}}}:ids:{start}")).Select(v => (string)v!));
        Assert.True(await Db.KeyTimeToLiveAsync($"quota:{{{tag}}}:ids:{start}") > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(2001)]
    [InlineData(2026)]
    [InlineData(2090)]
    public async Task The_physical_ttl_follows_the_application_clock_not_the_server_clock(int year)
    {
        var clock = new FakeClock(Instant.FromUtc(year, 6, 1, 0, 0));
        var store = Store(redis.Main, clock);
        var counter = new QuotaCounterKey(NewPolicy(), "k", clock.GetCurrentInstant());

        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), clock.GetCurrentInstant() + Duration.FromHours(1));

        var ttl = await Db.KeyTimeToLiveAsync(CounterKey(counter));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(1), (Duration.FromHours(1) + Grace).ToTimeSpan());
        Assert.Equal(1, (await store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task The_physical_ttl_is_never_shortened()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromHours(5));

        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromMinutes(5));
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromMinutes(5), "late-id");

        Assert.True(await Db.KeyTimeToLiveAsync(CounterKey(counter)) > TimeSpan.FromHours(4));
        Assert.True(await Db.KeyTimeToLiveAsync(CounterKey(counter).Replace(":c:", ":ids:", StringComparison.Ordinal)) > TimeSpan.FromHours(4));
    }

    [Fact]
    public async Task Subtract_leaves_an_expired_counter_alone()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 10)), Clock.GetCurrentInstant() + Duration.FromMinutes(1));
        Clock.Advance(Duration.FromMinutes(2));

        var after = await store.SubtractAsync(counter, Deltas(new QuotaMeterDelta("rows", 3)));

        Assert.Equal(0, after[0]);
        Assert.Equal("10", (string?)await Db.HashGetAsync(CounterKey(counter), "m:rows"));
    }

    [Fact]
    public async Task Anchors_are_stored_as_readable_instants_at_full_precision()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var anchor = Instant.FromUtc(2024, 1, 31, 4, 30, 15) + Duration.FromNanoseconds(123_456_789);

        Assert.Equal(anchor, await store.GetOrSetAnchorAsync(policy, "k", anchor));

        Assert.Equal("2024-01-31T04:30:15.123456789Z", (string?)await Db.StringGetAsync($"quota:{{{RedisQuotaKeys.Tag(policy, "k")}}}:anchor"));
        Assert.Equal(anchor, await store.GetAnchorAsync(policy, "k"));
    }

    [Fact]
    public async Task Cycles_starting_within_one_millisecond_are_still_separate()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var first = new QuotaCounterKey(policy, "k", Clock.GetCurrentInstant());
        var second = new QuotaCounterKey(policy, "k", Clock.GetCurrentInstant() + Duration.FromNanoseconds(500));

        await store.AddAsync(first, Deltas(new QuotaMeterDelta("requests", 1)), Expiry);
        await store.AddAsync(second, Deltas(new QuotaMeterDelta("requests", 2)), Expiry);

        Assert.Equal(1, (await store.ReadAsync(first))["requests"]);
        Assert.Equal(2, (await store.ReadAsync(second))["requests"]);
    }

    [Fact]
    public async Task A_key_prefix_keeps_two_applications_apart()
    {
        var policy = NewPolicy();
        var counter = new QuotaCounterKey(policy, "k", Clock.GetCurrentInstant());
        var one = TestStores.On(redis.Main, Clock, "app1:quota");
        var two = TestStores.On(redis.Main, Clock, "app2:quota");

        await one.AddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)), Expiry);
        await two.AddAsync(counter, Deltas(new QuotaMeterDelta("requests", 5)), Expiry);

        Assert.Equal(1, (await one.ReadAsync(counter))["requests"]);
        Assert.Equal(5, (await two.ReadAsync(counter))["requests"]);
        Assert.True(await Db.KeyExistsAsync($"app1:quota:{{{RedisQuotaKeys.Tag(policy, "k")}}}:c:{Clock.GetCurrentInstant().ToUnixTimeMilliseconds()}"));
    }

    [Fact]
    public async Task A_disposed_store_refuses_calls_and_leaves_a_given_connection_open()
    {
        var store = Store(redis.Main, Clock);
        store.Dispose();
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.ReadAsync(NewCounter()));
        Assert.True(redis.Main.IsConnected);
    }

    [Fact]
    public async Task Disposing_a_store_right_after_a_call_neither_blocks_nor_sends_the_call_again()
    {
        // Disposed in the continuation of a store call. StackExchange.Redis 1.2.6 blocked there, or re-flushed its write
        // buffer and ran the last command twice; the store now just disposes its connection, and this shows it is safe:
        // a fault would be a timeout here, or more than 16 rows.
        var counter = NewCounter();
        for (var i = 0; i < 16; i++)
        {
            var store = new RedisQuotaStore(new RedisQuotaStoreOptions { Configuration = redis.Configuration }, Clock);
            await Task.Run(async () =>
            {
                await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1)), Expiry);
                store.Dispose();
            }).WaitAsync(TimeSpan.FromSeconds(20));
        }

        Assert.Equal(16, (await CreateStore(Clock).ReadAsync(counter))["rows"]);
    }

    private static string CounterKey(QuotaCounterKey counter)
        => $"quota:{{{RedisQuotaKeys.Tag(counter.Policy, counter.Key)}}}:c:{RedisQuotaKeys.FormatInstant(counter.CycleStart)}";

    private Task<string> CliAsync(params string[] arguments)
    {
        var endPoint = ConfigurationOptions.Parse(redis.Configuration).EndPoints[0];
        var (host, port) = endPoint switch
        {
            System.Net.DnsEndPoint dns => (dns.Host, dns.Port),
            System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => throw new InvalidOperationException($"Unexpected endpoint {endPoint}."),
        };
        return Shell.RunAsync("redis-cli", ["-h", host, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);
    }
}
