using Microsoft.Extensions.DependencyInjection;
using Quota.Tests.Support;

namespace Quota.Tests;

/// <summary>Many callers of one process, through the service, over two app instances (two containers, two stores) on one file.</summary>
public sealed class SqliteQuotaStoreConcurrencyTests : SqliteFileTest
{
    private const int Callers = 64;

    [Fact]
    public async Task Sixty_four_callers_on_two_instances_are_granted_exactly_the_allowance()
    {
        const long allowance = 500;
        const int attemptsPerCaller = 20;
        await using var one = Instance(allowance);
        await using var two = Instance(allowance);
        var instances = new[] { one.GetRequiredService<IQuotaService>(), two.GetRequiredService<IQuotaService>() };
        long granted = 0;

        await Parallel.ForEachAsync(
            Enumerable.Range(0, Callers),
            new ParallelOptions { MaxDegreeOfParallelism = Callers },
            async (caller, _) =>
            {
                for (var i = 0; i < attemptsPerCaller; i++)
                {
                    var decision = await instances[caller % 2].TryConsumeAsync("api", "shared", new Dictionary<string, long> { ["requests"] = 1, ["tokens"] = 3 });
                    Assert.True(decision.Outcome is QuotaOutcome.Allowed or QuotaOutcome.Refused, $"outcome {decision.Outcome}: {decision.Failure}");
                    if (decision.IsAllowed)
                    {
                        Interlocked.Increment(ref granted);
                    }
                }
            });

        Assert.True(Callers * attemptsPerCaller > allowance, "the test must ask for more than the allowance");
        Assert.Equal(allowance, granted);
        var usage = await instances[0].GetUsageAsync("api", "shared");
        Assert.Equal(allowance, usage.Meters["requests"]);
        Assert.Equal(allowance * 3, usage.Meters["tokens"]);
    }

    [Fact]
    public async Task Consumes_and_refunds_racing_on_two_instances_balance_exactly()
    {
        await using var one = Instance(allowance: 1_000_000);
        await using var two = Instance(allowance: 1_000_000);
        var instances = new[] { one.GetRequiredService<IQuotaService>(), two.GetRequiredService<IQuotaService>() };

        await Parallel.ForEachAsync(
            Enumerable.Range(0, Callers),
            new ParallelOptions { MaxDegreeOfParallelism = Callers },
            async (caller, _) =>
            {
                var quota = instances[caller % 2];
                for (var i = 0; i < 10; i++)
                {
                    Assert.True((await quota.TryConsumeAsync("api", "refunds")).IsAllowed);
                    if (i % 2 == 0)
                    {
                        await quota.RefundAsync("api", "refunds");
                    }
                }
            });

        Assert.Equal(Callers * 5, (await instances[1].GetUsageAsync("api", "refunds")).Meters["requests"]);
    }

    private ServiceProvider Instance(long allowance)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(Clock);
        services.AddQuota()
            .AddPolicy("api", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = allowance;
                p.StoreTimeout = TimeSpan.FromSeconds(60);
            })
            .UseSqliteStore(Database.ConnectionString);
        return services.BuildServiceProvider();
    }
}
