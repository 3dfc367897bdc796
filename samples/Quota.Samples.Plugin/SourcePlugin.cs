using Quota.PluginSdk;

namespace Quota.Samples.Plugin;

/// <summary>
/// A make-believe source plugin of team <c>acme</c>: its tables, some free and some paid, whose rows it "fetches"
/// page by page.
/// </summary>
internal sealed class SourcePlugin(string name, int rowsPerTable, Func<IReadOnlyList<Table>> tables)
{
    public const int PageSize = 500;

    /// <summary>GitHub: users are free; issues (with their comments) and pull requests are paid. 60,000 paid rows a run.</summary>
    public static readonly SourcePlugin GitHub = new("github", 30_000, () =>
    [
        new Table("github_users"),
        .. PaidTables.MakeAllTablesPaid(new List<Table>
        {
            new("github_issues") { Relations = { new Table("github_issue_comments") } },
            new("github_pull_requests"),
        }),
    ]);

    /// <summary>GitLab: projects are free, merge requests are paid. 20,000 paid rows a run.</summary>
    public static readonly SourcePlugin GitLab = new("gitlab", 20_000, () =>
    [
        new Table("gitlab_projects"),
        .. PaidTables.MakeAllTablesPaid(new List<Table> { new("gitlab_merge_requests") }),
    ]);

    public PluginMeta Meta { get; } = new() { Team = "acme", Kind = PluginKind.Source, Name = name, Version = "v1.0.0" };

    public int RowsPerTable { get; } = rowsPerTable;

    /// <summary>Creates the plugin's tables afresh for a run.</summary>
    public IReadOnlyList<Table> Tables() => tables();

    /// <summary>Fetches one page of a table's rows (a short wait stands in for the API call).</summary>
    public static async Task<SyncInsert> FetchPageAsync(Table table, int rows, CancellationToken cancellationToken)
    {
        await Task.Delay(2, cancellationToken);
        return new SyncInsert(table, (uint)rows);
    }
}
