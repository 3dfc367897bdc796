namespace Quota.PluginSdk;

/// <summary>A table a plugin syncs, whether its rows are paid for, and its child tables.</summary>
/// <remarks>Only rows of paid tables are counted against the allowance (see <see cref="PaidTables"/>).</remarks>
public sealed class Table
{
    /// <summary>Initializes a table.</summary>
    /// <param name="name">The table's name, e.g. <c>github_issues</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public Table(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("Pass the table's name, e.g. \"github_issues\".", nameof(name));
        }

        Name = name;
    }

    /// <summary>Gets the table's name.</summary>
    public string Name { get; }

    /// <summary>Gets or sets a value indicating whether the table's rows count against the allowance.</summary>
    public bool IsPaid { get; set; }

    /// <summary>Gets the child tables synced for each row of this one (e.g. an issue's comments).</summary>
    public IList<Table> Relations { get; } = new List<Table>();

    /// <inheritdoc />
    public override string ToString() => IsPaid ? Name + " (paid)" : Name;
}
