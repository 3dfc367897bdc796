using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quota;
using Quota.PluginSdk;

// In the host's namespace so that AddUsageClient is found next to AddQuota without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the plugin usage client on a Quota builder.</summary>
public static class QuotaPluginSdkBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IUsageClientFactory"/>, whose clients count rows under <paramref name="policy"/>, with
    /// <see cref="UsageClientOptions"/> validated at start-up. Clients log through the application's logger factory
    /// and run their timers on the application's <see cref="TimeProvider"/> (or <see cref="TimeProvider.System"/> when
    /// none is registered), unless the options set their own.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddQuota()</c>.</param>
    /// <param name="policy">The policy that caps each plugin's (or team's) rows, e.g. one with allowance <c>rows = 1_000_000</c> per month.</param>
    /// <param name="configure">Changes the batching and retry options; the defaults are CloudQuery's.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder AddUsageClient(this QuotaBuilder builder, string policy, Action<UsageClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        var options = builder.Services.AddOptions<UsageClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UsageClientOptions>, UsageClientOptionsValidator>());
        builder.Services.RemoveAll<IUsageClientFactory>();
        builder.Services.AddSingleton<IUsageClientFactory>(sp => new UsageClientFactory(
            sp.GetRequiredService<IQuotaService>(),
            sp.GetRequiredService<IOptions<UsageClientOptions>>(),
            policy,
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return builder;
    }
}
