namespace Quota.PluginSdk;

/// <summary>Whether a plugin reads from a system or writes to one.</summary>
public enum PluginKind
{
    /// <summary>A plugin that syncs rows out of a system (an API, a cloud account).</summary>
    Source = 0,

    /// <summary>A plugin that writes synced rows into a system (a database, a file).</summary>
    Destination = 1,
}
