using NodaTime.Testing;
using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>
/// The promises every <see cref="IQuotaLeaseStore"/> keeps, as tests, on top of the whole store contract: a leasing
/// store's test class inherits this instead of <see cref="QuotaStoreContract"/> and returns a leasing store.
/// </summary>
public abstract partial class QuotaLeaseStoreContract : QuotaStoreContract
{
    /// <summary>The settle interval the service-level lease tests use: short, so a test waits little.</summary>
    protected static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a test waits for something promised "within a settle interval" on a loaded machine.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    protected IQuotaLeaseStore CreateLeaseStore(FakeClock clock)
        => CreateStore(clock) as IQuotaLeaseStore ?? throw new InvalidOperationException("A test class inheriting QuotaLeaseStoreContract must create an IQuotaLeaseStore.");

    protected static QuotaLeaseDelta[] Lease(params QuotaLeaseDelta[] deltas) => deltas;

    /// <summary>Reads the units live leases hold unspent in a counter, per meter, as the store's snapshot reports them.</summary>
    protected static async Task<IReadOnlyDictionary<string, long>> ReservedAsync(IQuotaStore store, QuotaCounterKey counter)
        => (await store.ReadCountersAsync([counter]))[0].Reserved;

    protected Instant LeaseExpiry => Clock.GetCurrentInstant() + Duration.FromSeconds(30);

    [Fact]
    public async Task A_block_is_counted_as_used_at_once_and_read_as_held()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();

        var result = await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 0, 10, 100)), Expiry, LeaseExpiry);

        Assert.Equal(10, result.Held[0]);
        Assert.Equal(10, result.Values[0]);
        Assert.Equal(10, (await store.ReadAsync(counter))["requests"]);
        Assert.Equal(10, (await ReservedAsync(store, counter))["requests"]);
    }

    [Fact]
    public async Task Blocks_never_pass_the_limit_and_leave_nothing_for_a_consume_once_full()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();

        var a = await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 0, 70, 100)), Expiry, LeaseExpiry);
        var b = await store.LeaseAsync(counter, "b", Lease(new QuotaLeaseDelta("requests", 0, 70, 100)), Expiry, LeaseExpiry);
        var c = await store.LeaseAsync(counter, "c", Lease(new QuotaLeaseDelta("requests", 0, 5, 100)), Expiry, LeaseExpiry);
        var consume = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 100)), Expiry);

        Assert.Equal((70L, 30L, 0L), (a.Held[0], b.Held[0], c.Held[0]));
        Assert.Equal(100, c.Values[0]);
        Assert.False(consume.Applied);
        Assert.Equal(100, (await ReservedAsync(store, counter))["requests"]);
    }

    [Fact]
    public async Task Spent_units_stay_counted_and_the_rest_of_a_block_goes_back()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();
        await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 0, 50, 100)), Expiry, LeaseExpiry);

        var settled = await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 20, 0, 100)), Expiry, LeaseExpiry);

        Assert.Equal(0, settled.Held[0]);
        Assert.Equal(20, settled.Values[0]);
        Assert.Equal(20, (await store.ReadAsync(counter))["requests"]);
        Assert.Empty(await ReservedAsync(store, counter));
    }

    [Fact]
    public async Task A_block_resizes_keeping_what_was_spent_and_meters_resize_apart()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();
        await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 0, 10, 100), new QuotaLeaseDelta("tokens", 0, 500, 1000)), Expiry, LeaseExpiry);

        // 6 requests and 300 tokens spent; the request block grows to 40 unspent, the token block shrinks to 50.
        var result = await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 6, 40, 100), new QuotaLeaseDelta("tokens", 300, 50, 1000)), Expiry, LeaseExpiry);

        Assert.Equal((40L, 50L), (result.Held[0], result.Held[1]));
        Assert.Equal((46L, 350L), (result.Values[0], result.Values[1]));
        var held = await ReservedAsync(store, counter);
        Assert.Equal((40L, 50L), (held["requests"], held["tokens"]));
    }

    [Fact]
    public async Task Spent_units_beyond_the_holding_are_added_unconditionally()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();

        // A meter without a limit is granted without a block and reported spent afterwards.
        var result = await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("tokens", 700, 0)), Expiry, LeaseExpiry);

        Assert.Equal(0, result.Held[0]);
        Assert.Equal(700, result.Values[0]);
        Assert.Empty(await ReservedAsync(store, counter));
    }

    [Fact]
    public async Task An_expired_lease_is_forgotten_and_its_units_stay_counted_as_spent()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();
        await store.LeaseAsync(counter, "crashed", Lease(new QuotaLeaseDelta("requests", 0, 40, 100)), Expiry, Clock.GetCurrentInstant() + Duration.FromSeconds(30));

        Clock.Advance(Duration.FromSeconds(31));

        Assert.Empty(await ReservedAsync(store, counter));
        Assert.Equal(40, (await store.ReadAsync(counter))["requests"]);

        // A holder whose lease expired and calls again cannot give back what the store forgot: it can only under-grant.
        var late = await store.LeaseAsync(counter, "crashed", Lease(new QuotaLeaseDelta("requests", 10, 5, 100)), Expiry, LeaseExpiry);
        Assert.Equal(5, late.Held[0]);
        Assert.Equal(55, late.Values[0]);
    }

    [Fact]
    public async Task A_reset_zeroes_what_is_spent_and_keeps_live_blocks_counted()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();
        await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 0, 30, 100)), Expiry, LeaseExpiry);
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 20, 100)), Expiry);

        await store.ResetAsync(counter);

        Assert.Equal(30, (await store.ReadAsync(counter))["requests"]);
        Assert.Equal(30, (await ReservedAsync(store, counter))["requests"]);
        var settled = await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 30, 0, 100)), Expiry, LeaseExpiry);
        Assert.Equal(30, settled.Values[0]);
    }

    [Fact]
    public async Task Concurrent_holders_and_consumers_never_pass_the_limit()
    {
        const long limit = 1000;
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();
        long granted = 0;

        // Each holder spends all of every block it gets, reports it, and asks again; consumers add one at a time.
        var holders = Enumerable.Range(0, ConcurrentCallers / 2).Select(h => Task.Run(async () =>
        {
            var peer = (IQuotaLeaseStore)CreatePeerStore(store, Clock);
            long held = 0;
            for (var round = 0; round < 40; round++)
            {
                var result = await peer.LeaseAsync(counter, $"holder-{h}", Lease(new QuotaLeaseDelta("requests", held, 1 + (round % 7), limit)), Expiry, LeaseExpiry);
                held = result.Held[0];
                Interlocked.Add(ref granted, held);
            }

            await peer.LeaseAsync(counter, $"holder-{h}", Lease(new QuotaLeaseDelta("requests", held, 0, limit)), Expiry, LeaseExpiry);
        }));
        var consumers = Enumerable.Range(0, ConcurrentCallers / 2).Select(_ => Task.Run(async () =>
        {
            var peer = CreatePeerStore(store, Clock);
            for (var i = 0; i < 40; i++)
            {
                if ((await peer.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, limit)), Expiry)).Applied)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        }));
        await Task.WhenAll(holders.Concat(consumers));

        var used = (await store.ReadAsync(counter)).GetValueOrDefault("requests");
        Assert.Equal(granted, used);
        Assert.True(used <= limit, $"{used} units were granted against a limit of {limit}.");
        Assert.Empty(await ReservedAsync(store, counter));
    }

    [Fact]
    public async Task A_lease_on_an_expired_counter_starts_from_zero()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 90, 100)), Clock.GetCurrentInstant() + Duration.FromMinutes(1));
        Clock.Advance(Duration.FromMinutes(2));

        var result = await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 0, 50, 100)), Expiry, LeaseExpiry);

        Assert.Equal(50, result.Held[0]);
        Assert.Equal(50, result.Values[0]);
    }

    [Fact]
    public async Task A_lease_call_with_bad_arguments_is_refused_and_changes_nothing()
    {
        var store = CreateLeaseStore(Clock);
        var counter = NewCounter();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.LeaseAsync(counter, "", Lease(new QuotaLeaseDelta("requests", 0, 1, 10)), Expiry, LeaseExpiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", -1, 1, 10)), Expiry, LeaseExpiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.LeaseAsync(counter, "a", Lease(new QuotaLeaseDelta("requests", 0, 1, 10), new QuotaLeaseDelta("requests", 0, 1, 10)), Expiry, LeaseExpiry));
        Assert.Empty(await store.ReadAsync(counter));
    }
}
