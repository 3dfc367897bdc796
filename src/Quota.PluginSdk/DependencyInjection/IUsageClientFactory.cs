namespace Quota.PluginSdk;

/// <summary>Creates usage clients with the policy and options registered by <c>AddUsageClient</c>.</summary>
public interface IUsageClientFactory
{
    /// <summary>Creates a usage client for one sync of a plugin.</summary>
    /// <param name="meta">The plugin; its rows are counted under <see cref="UsageSubjects.KeyOf"/> of it and the options' <see cref="UsageClientOptions.Scope"/>.</param>
    /// <returns>A running client; close it when the sync ends.</returns>
    IUsageClient Create(PluginMeta meta);
}
