namespace Quota.PluginSdk;

/// <summary>The rows of one table not yet taken into a batch, with the name of the table's meter (built once).</summary>
internal sealed class TableCounter(string table)
{
    /// <summary>The rows counted and not yet taken into a batch; changed only with <see cref="Interlocked"/>.</summary>
    public long Rows;

    /// <summary>Gets the table's name: the very string instance first counted under, for the identity cache.</summary>
    public string Name { get; } = table;

    public string Meter { get; } = UsageMeters.ForTable(table);
}
