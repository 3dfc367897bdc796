using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.DependencyInjection;

public sealed class QuotaPluginSdkBuilderExtensionsTests
{
    private static ServiceProvider Build(Action<UsageClientOptions>? configure = null, TestTime? time = null)
    {
        var services = new ServiceCollection();
        if (time is null)
        {
            services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        }
        else
        {
            services.AddSingleton<IClock>(time.Clock);
            services.AddSingleton<TimeProvider>(time);
        }

        services.AddQuota()
            .AddPolicy("plugin-rows", QuotaPeriod.Monthly, ("rows", 100))
            .AddUsageClient("plugin-rows", configure);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task The_factory_creates_clients_that_count_under_the_registered_policy()
    {
        await using var provider = Build(o => o.BatchLimit = 10);
        var factory = provider.GetRequiredService<IUsageClientFactory>();

        var client = factory.Create(new PluginMeta { Team = "acme", Name = "github" });
        client.Increase(7);
        await client.CloseAsync();

        var usage = await provider.GetRequiredService<IQuotaService>().GetUsageAsync("plugin-rows", "acme/source/github");
        Assert.Equal(7, usage.Meters["rows"]);
    }

    [Fact]
    public async Task The_factorys_clients_run_their_flush_timer_on_the_registered_time_provider()
    {
        var time = new TestTime();
        await using var provider = Build(time: time);
        var client = provider.GetRequiredService<IUsageClientFactory>().Create(new PluginMeta { Team = "acme", Name = "github" });
        var start = time.Now;
        await time.WaitForDelayAsync(start + Duration.FromSeconds(30));
        client.Increase(7);

        // Only the registered fake time moves: the rows are flushed at its 30 s tick.
        time.Advance(TimeSpan.FromSeconds(30));
        await time.WaitForDelayAsync(start + Duration.FromSeconds(60));

        var usage = await provider.GetRequiredService<IQuotaService>().GetUsageAsync("plugin-rows", "acme/source/github");
        Assert.Equal(7, usage.Meters["rows"]);
        await client.CloseAsync();
    }

    [Fact]
    public async Task Invalid_options_stop_the_factory_with_every_problem_listed()
    {
        await using var provider = Build(o =>
        {
            o.BatchLimit = -1;
            o.MaxRetries = -1;
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IUsageClientFactory>().Create(new PluginMeta { Team = "acme", Name = "github" }));

        Assert.Equal(2, error.Failures.Count());
    }
}
