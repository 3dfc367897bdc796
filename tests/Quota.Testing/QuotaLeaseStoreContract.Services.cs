using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Xunit;

namespace Quota.Testing;

public abstract partial class QuotaLeaseStoreContract
{
    /// <summary>A leased calendar policy of <paramref name="requests"/> requests an hour, settling every <see cref="Settle"/>.</summary>
    protected static Action<QuotaPolicyOptions> LeasedHourly(long requests, long? tokens = null) => p =>
    {
        p.Period = "hourly";
        p.AnchorMode = QuotaAnchorMode.Calendar;
        p.Allowances["requests"] = requests;
        if (tokens is { } t)
        {
            p.Allowances["tokens"] = t;
        }

        p.Lease.Enabled = true;
        p.Lease.SettleInterval = Settle;
        p.Lease.Lifetime = TimeSpan.FromSeconds(30);
    };

    /// <summary>
    /// Starts <paramref name="count"/> app instances, each on its own peer of <paramref name="store"/> (which it disposes
    /// with itself) and with its own leases; the test reads <paramref name="store"/> after they have stopped.
    /// <paramref name="quota"/> adds to instance i's builder (alert handlers, options).
    /// </summary>
    protected ServiceProvider[] StartInstances(IQuotaStore store, int count, string policy, Action<QuotaPolicyOptions> configure, Func<int, Action<QuotaBuilder>>? quota = null)
        => [.. Enumerable.Range(0, count).Select(i => CreateServices(CreatePeerStore(store, Clock), Clock, policy, configure, quota?.Invoke(i)))];

    /// <summary>Repeats <paramref name="condition"/> until it holds, failing the test after <see cref="Patience"/>.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, $"Not within {Patience.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Leased_instances_near_the_limit_grant_exactly_the_whole_allowance()
    {
        const int allowance = 100;
        var policy = NewPolicy();
        var store = CreateStore(Clock);
        var instances = StartInstances(store, 4, policy, LeasedHourly(allowance));
        long granted = 0;
        try
        {
            var services = instances.Select(i => i.GetRequiredService<IQuotaService>()).ToArray();

            // Every instance asks until refused, and again after the others had a settle interval to give back.
            async Task<bool> DrainedAsync()
            {
                await Task.WhenAll(services.Select(service => Task.Run(async () =>
                {
                    while ((await service.TryConsumeAsync(policy, "subject")).IsAllowed)
                    {
                        Interlocked.Increment(ref granted);
                    }
                })));
                Assert.True(Interlocked.Read(ref granted) <= allowance, $"{granted} granted against an allowance of {allowance}.");
                return Interlocked.Read(ref granted) == allowance;
            }

            await EventuallyAsync(DrainedAsync, $"all {allowance} units granted across 4 instances (granted {granted})");
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }

        Assert.Equal(allowance, (await store.ReadAsync(new QuotaCounterKey(policy, "subject", Hour(Clock.GetCurrentInstant()))))["requests"]);
    }

    [Fact]
    public async Task One_instance_uses_what_an_idle_instance_held_within_a_settle_interval()
    {
        const int allowance = 1000;
        var policy = NewPolicy();
        var store = CreateStore(Clock);
        var instances = StartInstances(store, 2, policy, LeasedHourly(allowance));
        try
        {
            var (busy, idle) = (instances[0].GetRequiredService<IQuotaService>(), instances[1].GetRequiredService<IQuotaService>());
            for (var i = 0; i < 200; i++)
            {
                Assert.True((await idle.TryConsumeAsync(policy, "subject")).IsAllowed);
            }

            long granted = 200;
            await EventuallyAsync(
                async () =>
                {
                    while ((await busy.TryConsumeAsync(policy, "subject")).IsAllowed)
                    {
                        granted++;
                    }

                    return granted == allowance;
                },
                $"the busy instance granted the rest ({granted} of {allowance})");
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Multi_meter_consumes_from_blocks_stay_all_or_nothing_and_exact()
    {
        var policy = NewPolicy();
        var store = CreateStore(Clock);
        var instances = StartInstances(store, 3, policy, LeasedHourly(requests: 10_000, tokens: 3_000));
        long requests = 0, tokens = 0;
        try
        {
            var amounts = new Dictionary<string, long> { ["requests"] = 1, ["tokens"] = 7 };
            await Task.WhenAll(instances.SelectMany(i => Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var service = i.GetRequiredService<IQuotaService>();
                for (var n = 0; n < 300; n++)
                {
                    if ((await service.TryConsumeAsync(policy, new QuotaSubject("subject"), amounts)).IsAllowed)
                    {
                        Interlocked.Increment(ref requests);
                        Interlocked.Add(ref tokens, 7);
                    }
                }
            }))));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }

        // Tokens run out first (3,000 / 7 = 428 consumes); every consume took both meters or neither.
        var read = await store.ReadAsync(new QuotaCounterKey(policy, "subject", Hour(Clock.GetCurrentInstant())));
        Assert.True(tokens <= 3_000, $"{tokens} tokens granted against 3000.");
        Assert.Equal((requests, tokens), (read["requests"], read["tokens"]));
        Assert.Equal(requests * 7, tokens);
        Assert.Empty(await ReservedAsync(store, new QuotaCounterKey(policy, "subject", Hour(Clock.GetCurrentInstant()))));
    }

    [Fact]
    public async Task Usage_shows_spent_and_reserved_apart_and_shutdown_gives_every_block_back()
    {
        var policy = NewPolicy();
        var store = (IQuotaLeaseStore)CreateStore(Clock);
        var instances = StartInstances(store, 2, policy, LeasedHourly(100_000));
        var counter = new QuotaCounterKey(policy, "subject", Hour(Clock.GetCurrentInstant()));
        var (a, b) = (instances[0].GetRequiredService<IQuotaService>(), instances[1].GetRequiredService<IQuotaService>());
        for (var i = 0; i < 500; i++)
        {
            Assert.True((await a.TryConsumeAsync(policy, "subject")).IsAllowed);
        }

        // The answering instance is exact about its own grants at once; another instance sees them within a settle interval.
        var own = await a.GetUsageAsync(policy, "subject");
        Assert.Equal(500, own.Meters["requests"]);
        Assert.Equal(own.Limits["requests"] - 500 - own.Reserved.GetValueOrDefault("requests"), own.Remaining["requests"]);
        await EventuallyAsync(async () => (await b.GetUsageAsync(policy, "subject")).Meters.GetValueOrDefault("requests") == 500, "the other instance reads 500 spent");

        await instances[0].DisposeAsync();
        await instances[1].DisposeAsync();

        Assert.Empty(await ReservedAsync(store, counter));
        Assert.Equal(500, (await store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task Records_and_refunds_keep_their_meaning_while_blocks_are_open()
    {
        var policy = NewPolicy();
        var store = (IQuotaLeaseStore)CreateStore(Clock);
        var instances = StartInstances(store, 2, policy, LeasedHourly(requests: 1_000, tokens: 10_000));
        var counter = new QuotaCounterKey(policy, "subject", Hour(Clock.GetCurrentInstant()));
        var (a, b) = (instances[0].GetRequiredService<IQuotaService>(), instances[1].GetRequiredService<IQuotaService>());
        try
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.True((await a.TryConsumeAsync(policy, "subject")).IsAllowed);
            }

            var tokens = new Dictionary<string, long> { ["tokens"] = 400 };
            Assert.True(await b.RecordAsync(policy, new QuotaSubject("subject"), tokens, "flush-1"));
            Assert.False(await a.RecordAsync(policy, new QuotaSubject("subject"), tokens, "flush-1"));
            await b.RefundAsync(policy, new QuotaSubject("subject"), new Dictionary<string, long> { ["requests"] = 10 });

            await EventuallyAsync(
                async () =>
                {
                    var usage = await b.GetUsageAsync(policy, "subject");
                    return usage.Meters.GetValueOrDefault("requests") == 40 && usage.Meters.GetValueOrDefault("tokens") == 400;
                },
                "40 requests (50 less a refund of 10) and 400 tokens recorded once");
        }
        finally
        {
            await instances[0].DisposeAsync();
            await instances[1].DisposeAsync();
        }

        var read = await store.ReadAsync(counter);
        Assert.Equal((40L, 400L), (read["requests"], read["tokens"]));
    }

    [Fact]
    public async Task A_block_never_carries_units_into_the_next_cycle()
    {
        var policy = NewPolicy();
        var store = (IQuotaLeaseStore)CreateStore(Clock);
        Clock.Reset(Hour(Clock.GetCurrentInstant()) + Duration.FromMinutes(59) + Duration.FromSeconds(50));
        var instances = StartInstances(store, 2, policy, LeasedHourly(100));
        var first = new QuotaCounterKey(policy, "subject", Hour(Clock.GetCurrentInstant()));
        var service = instances[0].GetRequiredService<IQuotaService>();
        try
        {
            // Consume until this instance holds a block in the first cycle (a settle may give an idle one back meanwhile).
            var before = 0;
            await EventuallyAsync(
                async () =>
                {
                    Assert.True((await service.TryConsumeAsync(policy, "subject")).IsAllowed);
                    before++;
                    return (await ReservedAsync(store, first)).Count > 0;
                },
                "a block held in the first cycle");

            // The reset instant: the next consume counts in the new cycle, with the whole allowance and no old block.
            Clock.Reset(first.CycleStart + Duration.FromHours(1));
            var second = new QuotaCounterKey(policy, "subject", Clock.GetCurrentInstant());
            var granted = 0;
            await EventuallyAsync(
                async () =>
                {
                    while ((await service.TryConsumeAsync(policy, "subject")).IsAllowed)
                    {
                        granted++;
                    }

                    Assert.True(granted <= 100, $"{granted} granted in the new cycle against 100.");
                    return granted == 100;
                },
                $"the whole allowance of the new cycle granted ({granted} of 100)");
            await EventuallyAsync(async () => (await ReservedAsync(store, first)).Count == 0, "the old cycle's block given back within a settle interval");
            Assert.Equal(before, (await store.ReadAsync(first))["requests"]);
            Assert.Equal(100, (await store.ReadAsync(second))["requests"]);
        }
        finally
        {
            await instances[0].DisposeAsync();
            await instances[1].DisposeAsync();
        }
    }

    private static Instant Hour(Instant at) => Instant.FromUnixTimeTicks(at.ToUnixTimeTicks() / NodaConstants.TicksPerHour * NodaConstants.TicksPerHour);
}
