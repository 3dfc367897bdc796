using Microsoft.Extensions.DependencyInjection;
using Quota.PluginSdk;

namespace Quota.Benchmarks.PluginSdk;

/// <summary>A quota service over the in-memory store with an uncapped rows policy, for the plugin benchmarks.</summary>
internal sealed class PluginSdkBench : IDisposable
{
    public const string Policy = "plugin-rows";

    private readonly ServiceProvider _provider;

    public PluginSdkBench()
    {
        var services = new ServiceCollection();
        services.AddQuota().AddPolicy(Policy, QuotaPeriod.Monthly);
        _provider = services.BuildServiceProvider();
        Quota = _provider.GetRequiredService<IQuotaService>();
    }

    public IQuotaService Quota { get; }

    public IUsageClient CreateClient(bool skip = false)
        => UsageClient.Create(new PluginMeta { Team = "acme", Name = "bench", SkipUsageClient = skip }, Quota, Policy);

    public void Dispose() => _provider.Dispose();
}
