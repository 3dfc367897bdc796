using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;

namespace Quota.Tests.Storage;

/// <summary>Many callers on two independent connections (two application instances) sharing one subject.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisConcurrencyTests(RedisServerFixture redis)
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);

    [Fact]
    public async Task Two_connections_under_heavy_load_grant_exactly_the_allowance()
    {
        var stores = new[] { Store(redis.Main), Store(redis.Peer) };
        var counter = new QuotaCounterKey("heavy-" + Guid.NewGuid().ToString("N"), "org-1", _clock.GetCurrentInstant());
        const int callers = 128;
        const int attempts = 30;
        long granted = 0;

        // tokens binds first: 1,500 grants of 7 tokens fill its 10,500 while requests still has room.
        await Parallel.ForEachAsync(Enumerable.Range(0, callers), new ParallelOptions { MaxDegreeOfParallelism = callers }, async (caller, _) =>
        {
            for (var i = 0; i < attempts; i++)
            {
                var result = await stores[caller % 2].TryAddAsync(counter, new[] { new QuotaMeterDelta("requests", 1, 2_000), new QuotaMeterDelta("tokens", 7, 10_500) }, Expiry);
                if (result.Applied)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });

        Assert.True(callers * attempts > 1_500);
        Assert.Equal(1_500, granted);
        var read = await stores[1].ReadAsync(counter);
        Assert.Equal(1_500, read["requests"]);
        Assert.Equal(10_500, read["tokens"]);
    }

    [Fact]
    public async Task Two_connections_mixing_records_retries_and_refunds_balance_exactly()
    {
        var stores = new[] { Store(redis.Main), Store(redis.Peer) };
        var counter = new QuotaCounterKey("mixed-" + Guid.NewGuid().ToString("N"), "org-1", _clock.GetCurrentInstant());
        const int callers = 64;
        const int rounds = 20;

        await Parallel.ForEachAsync(Enumerable.Range(0, callers), new ParallelOptions { MaxDegreeOfParallelism = callers }, async (caller, _) =>
        {
            for (var i = 0; i < rounds; i++)
            {
                var id = $"{caller}-{i}";

                // A record and its retry through the other connection: applied once. Then one refund of 1.
                await stores[caller % 2].AddAsync(counter, new[] { new QuotaMeterDelta("rows", 10) }, Expiry, id);
                await stores[(caller + 1) % 2].AddAsync(counter, new[] { new QuotaMeterDelta("rows", 10) }, Expiry, id);
                await stores[caller % 2].SubtractAsync(counter, new[] { new QuotaMeterDelta("rows", 1) });
            }
        });

        Assert.Equal(callers * rounds * 9L, (await stores[0].ReadAsync(counter))["rows"]);
    }

    [Fact]
    public async Task Two_application_instances_share_one_allowance_and_one_first_use_anchor()
    {
        var policy = "shared-" + Guid.NewGuid().ToString("N");
        using var first = Instance(policy);
        using var second = Instance(policy);
        var quotas = new[] { first.GetRequiredService<IQuotaService>(), second.GetRequiredService<IQuotaService>() };
        var decisions = new System.Collections.Concurrent.ConcurrentBag<QuotaDecision>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (caller, _) =>
        {
            for (var i = 0; i < 10; i++)
            {
                decisions.Add(await quotas[caller % 2].TryConsumeAsync(policy, "team-7"));
            }
        });

        Assert.Equal(300, decisions.Count(d => d.Outcome == QuotaOutcome.Allowed));
        Assert.Equal(340, decisions.Count(d => d.Outcome == QuotaOutcome.Refused));
        Assert.Single(decisions.Select(d => d.AnchorDate).Distinct());
        Assert.Equal(300, (await quotas[1].GetUsageAsync(policy, "team-7")).Meters["requests"]);
    }

    private Instant Expiry => _clock.GetCurrentInstant() + Duration.FromHours(2);

    private RedisQuotaStore Store(StackExchange.Redis.IConnectionMultiplexer connection)
        => TestStores.On(connection, _clock);

    private ServiceProvider Instance(string policy)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(_clock);
        services.AddQuota()
            .AddPolicy(policy, p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 300;
                p.StoreTimeout = TimeSpan.FromSeconds(30);
            })
            .UseRedisStore(redis.Configuration);
        return services.BuildServiceProvider();
    }
}
