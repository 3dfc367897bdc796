using NodaTime;

namespace Quota.PluginSdk;

/// <summary>Delete a table's rows that an earlier sync of the same source wrote and this one did not. Never counted.</summary>
public sealed record SyncDeleteStale : SyncMessage
{
    /// <summary>Initializes a stale-row deletion.</summary>
    /// <param name="table">The table.</param>
    /// <param name="sourceName">The source whose rows to consider.</param>
    /// <param name="syncTime">The start of this sync: rows written before it are stale.</param>
    public SyncDeleteStale(Table table, string sourceName, Instant syncTime)
        : base(table)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        SourceName = sourceName;
        SyncTime = syncTime;
    }

    /// <summary>Gets the source whose rows to consider.</summary>
    public string SourceName { get; }

    /// <summary>Gets the start of this sync.</summary>
    public Instant SyncTime { get; }
}
