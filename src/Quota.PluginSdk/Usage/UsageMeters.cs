namespace Quota.PluginSdk;

/// <summary>The meters a usage client records under its quota policy.</summary>
/// <remarks>
/// Every flush records the total under <see cref="Rows"/>; a client that counts per table also records each table's
/// rows under <c>rows:&lt;table&gt;</c> (see <see cref="ForTable"/>), and a client whose team's plugins share one
/// allowance (<see cref="UsageScope.Team"/>) records its rows under <c>plugin:&lt;kind&gt;/&lt;name&gt;</c> too (see
/// <see cref="ForPlugin"/>). Give the policy an allowance for <see cref="Rows"/> to cap each plugin's (or team's) rows
/// per cycle, e.g. <c>AddPolicy("plugin-rows", QuotaPeriod.Monthly, ("rows", 1_000_000))</c>; without one, rows are
/// counted and never refused.
/// </remarks>
public static class UsageMeters
{
    /// <summary>The meter that holds the total rows of every table.</summary>
    public const string Rows = "rows";

    /// <summary>The prefix of the per-table meters.</summary>
    public const string TablePrefix = "rows:";

    /// <summary>Returns the name of the meter that holds one table's rows.</summary>
    /// <param name="table">The table's name, e.g. <c>github_issues</c>.</param>
    /// <returns><c>rows:&lt;table&gt;</c>, e.g. <c>rows:github_issues</c>.</returns>
    public static string ForTable(string table)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        return TablePrefix + table;
    }

    /// <summary>The prefix of the per-plugin meters.</summary>
    public const string PluginPrefix = "plugin:";

    /// <summary>Returns the name of the meter that holds one plugin's rows in its team's pooled usage (<see cref="UsageScope.Team"/>).</summary>
    /// <param name="plugin">The plugin.</param>
    /// <returns><c>plugin:&lt;kind&gt;/&lt;name&gt;</c>, e.g. <c>plugin:source/github</c>.</returns>
    public static string ForPlugin(PluginMeta plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentException.ThrowIfNullOrEmpty(plugin.Name, nameof(plugin));
        return $"{PluginPrefix}{UsageSubjects.KindOf(plugin.Kind)}/{plugin.Name}";
    }
}
