using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Quota.PluginSdk;

/// <summary>The registered <see cref="IUsageClientFactory"/>: the quota service, the clock, and validated options.</summary>
internal sealed class UsageClientFactory(IQuotaService quota, IClock clock, IOptions<UsageClientOptions> options, string policy, ILoggerFactory? loggers)
    : IUsageClientFactory
{
    public IUsageClient Create(PluginMeta meta)
    {
        var copy = options.Value.Copy();
        if (ReferenceEquals(copy.Logger, NullLogger.Instance) && loggers is not null)
        {
            copy.Logger = loggers.CreateLogger("Quota.PluginSdk.UsageClient");
        }

        return UsageClient.Create(meta, quota, policy, copy, clock);
    }
}
