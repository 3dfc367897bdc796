namespace Quota.PluginSdk;

/// <summary>Rows of one table to insert: the message usage is counted from.</summary>
public sealed record SyncInsert : SyncMessage
{
    /// <summary>Initializes an insert.</summary>
    /// <param name="table">The table the rows belong to.</param>
    /// <param name="rows">How many rows the message carries.</param>
    public SyncInsert(Table table, uint rows)
        : base(table)
    {
        Rows = rows;
    }

    /// <summary>Gets how many rows the message carries.</summary>
    public uint Rows { get; }
}
