namespace Quota.PluginSdk;

/// <summary>
/// Marks and finds paid tables, relations included: CloudQuery's <c>premium.MakeAllTablesPaid</c> and
/// <c>premium.ContainsPaidTables</c>, and its <c>schema.Tables.GetPaidTables</c> and <c>HasPaidTables</c> as extension methods.
/// </summary>
public static class PaidTables
{
    /// <summary>Marks every table and every table related to it, at any depth, as paid.</summary>
    /// <typeparam name="TTables">The collection type, returned as given so the call can wrap a table list in place.</typeparam>
    /// <param name="tables">The plugin's tables.</param>
    /// <returns><paramref name="tables"/>, every one of them now paid.</returns>
    public static TTables MakeAllTablesPaid<TTables>(TTables tables)
        where TTables : IEnumerable<Table>
    {
        ArgumentNullException.ThrowIfNull(tables);
        foreach (var table in Flatten(tables))
        {
            table.IsPaid = true;
        }

        return tables;
    }

    /// <summary>Returns whether any table, or any table related to one at any depth, is paid.</summary>
    /// <param name="tables">The tables to look through.</param>
    /// <returns><see langword="true"/> when at least one is paid: the sync needs a metered usage client.</returns>
    public static bool ContainsPaidTables(IEnumerable<Table> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return Flatten(tables).Any(table => table.IsPaid);
    }

    /// <summary>Returns every paid table, and every paid table related to one at any depth, once each, parents before children.</summary>
    /// <param name="tables">The plugin's tables.</param>
    /// <returns>The paid tables, e.g. to list what a sync will meter; empty when none is paid.</returns>
    public static IReadOnlyList<Table> GetPaidTables(this IEnumerable<Table> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return FlattenCore(tables).Where(table => table.IsPaid).ToList();
    }

    /// <summary>Returns whether any table, or any table related to one at any depth, is paid (the same as <see cref="ContainsPaidTables"/>).</summary>
    /// <param name="tables">The plugin's tables.</param>
    /// <returns><see langword="true"/> when at least one is paid: the sync needs a metered usage client.</returns>
    public static bool HasPaidTables(this IEnumerable<Table> tables) => ContainsPaidTables(tables);

    /// <summary>Returns every table and every related table once, parents before children; a table related to itself is visited once.</summary>
    /// <param name="tables">The top-level tables.</param>
    /// <returns>The tables, depth first.</returns>
    public static IEnumerable<Table> Flatten(IEnumerable<Table> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return FlattenCore(tables);
    }

    private static IEnumerable<Table> FlattenCore(IEnumerable<Table> tables)
    {
        var seen = new HashSet<Table>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Table>(tables.Reverse());
        while (stack.Count > 0)
        {
            var table = stack.Pop();
            if (table is null || !seen.Add(table))
            {
                continue;
            }

            yield return table;
            for (var i = table.Relations.Count - 1; i >= 0; i--)
            {
                stack.Push(table.Relations[i]);
            }
        }
    }
}
