using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quota.PluginSdk;

namespace Quota.Tests.DependencyInjection;

public sealed class QuotaPluginSdkBuilderExtensionsTests
{
    private static ServiceProvider Build(Action<UsageClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(FakeClock.Default());
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

        var usage = await provider.GetRequiredService<IQuotaService>().GetUsageAsync("plugin-rows", "acme");
        Assert.Equal(7, usage.Meters["rows"]);
    }

    [Fact]
    public async Task Invalid_options_stop_the_factory_with_every_problem_listed()
    {
        await using var provider = Build(o =>
        {
            o.BatchLimit = 0;
            o.MaxRetries = -1;
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IUsageClientFactory>().Create(new PluginMeta { Team = "acme", Name = "github" }));

        Assert.Equal(2, error.Failures.Count());
    }
}
