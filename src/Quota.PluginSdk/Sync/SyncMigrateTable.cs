namespace Quota.PluginSdk;

/// <summary>Create or change a table to match its schema before rows arrive. Never counted.</summary>
public sealed record SyncMigrateTable : SyncMessage
{
    /// <summary>Initializes a migration.</summary>
    /// <param name="table">The table to migrate.</param>
    public SyncMigrateTable(Table table)
        : base(table)
    {
    }
}
