namespace Quota.PluginSdk;

/// <summary>Creates usage clients with the policy and options registered by <c>AddUsageClient</c>.</summary>
public interface IUsageClientFactory
{
    /// <summary>Creates a usage client for one sync of a plugin.</summary>
    /// <param name="meta">The plugin; its <see cref="PluginMeta.Team"/> is the subject key rows are counted under.</param>
    /// <returns>A running client; close it when the sync ends.</returns>
    IUsageClient Create(PluginMeta meta);
}
