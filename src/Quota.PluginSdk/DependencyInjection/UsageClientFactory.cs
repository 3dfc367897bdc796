using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Quota.PluginSdk;

/// <summary>
/// The registered <see cref="IUsageClientFactory"/>: the quota service, validated options, and the application's logger
/// factory and <see cref="TimeProvider"/> where the options leave them unset.
/// </summary>
internal sealed class UsageClientFactory(IQuotaService quota, IOptions<UsageClientOptions> options, string policy, ILoggerFactory? loggers, TimeProvider time)
    : IUsageClientFactory
{
    public IUsageClient Create(PluginMeta meta)
    {
        var copy = options.Value.Copy();
        if (ReferenceEquals(copy.Logger, NullLogger.Instance) && loggers is not null)
        {
            copy.Logger = loggers.CreateLogger("Quota.PluginSdk.UsageClient");
        }

        copy.TimeProvider ??= time;
        return UsageClient.Create(meta, quota, policy, copy);
    }
}
