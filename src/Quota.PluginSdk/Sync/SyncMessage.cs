namespace Quota.PluginSdk;

/// <summary>A message a plugin's sync sends on (CloudQuery's <c>message.SyncMessage</c>): each concerns one table.</summary>
public abstract record SyncMessage
{
    /// <summary>Initializes a message about a table.</summary>
    /// <param name="table">The table.</param>
    protected SyncMessage(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
    }

    /// <summary>Gets the table the message concerns.</summary>
    public Table Table { get; }
}
