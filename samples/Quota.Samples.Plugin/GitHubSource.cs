using Quota.PluginSdk;

namespace Quota.Samples.Plugin;

/// <summary>
/// A make-believe GitHub source plugin: three tables, one free and two paid, whose rows it "fetches" page by page.
/// </summary>
internal static class GitHubSource
{
    public const int RowsPerTable = 30_000;
    public const int PageSize = 500;

    public static readonly PluginMeta Meta = new() { Team = "acme", Kind = PluginKind.Source, Name = "github", Version = "v1.0.0" };

    /// <summary>Creates the plugin's tables: users are free, issues (with their comments) and pull requests are paid.</summary>
    public static IReadOnlyList<Table> Tables()
    {
        var users = new Table("github_users");
        var paid = PaidTables.MakeAllTablesPaid(new List<Table>
        {
            new("github_issues") { Relations = { new Table("github_issue_comments") } },
            new("github_pull_requests"),
        });
        return [users, .. paid];
    }

    /// <summary>Fetches one page of a table's rows (a short wait stands in for the API call).</summary>
    public static async Task<SyncInsert> FetchPageAsync(Table table, int rows, CancellationToken cancellationToken)
    {
        await Task.Delay(2, cancellationToken);
        return new SyncInsert(table, (uint)rows);
    }
}
