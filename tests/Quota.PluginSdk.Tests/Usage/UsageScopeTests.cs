using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Usage;

/// <summary>Whose allowance rows count against: each plugin of a team by default (CloudQuery's), or the whole team pooled.</summary>
public sealed class UsageScopeTests
{
    [Fact]
    public async Task Each_plugin_of_a_team_has_its_own_usage_and_allowance_by_default()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 100);
        var github = await host.CreateIdleClientAsync(name: "github");
        Assert.True(github.TryIncrease(100));
        await github.CloseAsync();

        var gitlab = await host.CreateIdleClientAsync(name: "gitlab");
        var check = await gitlab.CheckQuotaAsync();

        Assert.True(check.HasQuota);
        Assert.Equal(100, check.RemainingRows);
        Assert.True(gitlab.TryIncrease(100));
        Assert.False((await host.CreateClient(name: "github").CheckQuotaAsync()).HasQuota);
    }

    [Fact]
    public async Task Pooling_a_teams_plugins_is_an_explicit_option()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 100);
        var pooled = new UsageClientOptions { Scope = UsageScope.Team };
        var github = await host.CreateIdleClientAsync(pooled, name: "github");
        Assert.True(github.TryIncrease(100));
        await github.CloseAsync();

        var gitlab = await host.CreateIdleClientAsync(new UsageClientOptions { Scope = UsageScope.Team }, name: "gitlab");
        var check = await gitlab.CheckQuotaAsync();

        Assert.False(check.HasQuota);
        Assert.False(gitlab.TryIncrease(1));
        Assert.Equal(UsageScope.Team, gitlab.Scope);
    }

    [Fact]
    public async Task A_teams_usage_breaks_down_by_plugin_in_either_scope()
    {
        await using var host = QuotaHost.Create();
        var perPlugin = host.CreateClient(name: "github");
        var perPluginToo = host.CreateClient(name: "gitlab");
        var pooled = host.CreateClient(new UsageClientOptions { Scope = UsageScope.Team }, name: "github");
        var pooledToo = host.CreateClient(new UsageClientOptions { Scope = UsageScope.Team }, name: "gitlab");
        perPlugin.IncreaseForTable("github_issues", 60);
        perPluginToo.Increase(40);
        pooled.Increase(6);
        pooledToo.IncreaseForTable("gitlab_projects", 4);
        await Task.WhenAll(perPlugin.CloseAsync(), perPluginToo.CloseAsync(), pooled.CloseAsync(), pooledToo.CloseAsync());

        // Per plugin (the default): each plugin's usage is under its own subject key, team/kind/name.
        var github = await host.Quota.GetUsageAsync(QuotaHost.Policy, UsageSubjects.KeyOf(QuotaHost.Plugin("github")));
        var gitlab = await host.Quota.GetUsageAsync(QuotaHost.Policy, UsageSubjects.KeyOf(QuotaHost.Plugin("gitlab")));
        Assert.Equal("acme/source/github", UsageSubjects.KeyOf(QuotaHost.Plugin("github")));
        Assert.Equal(new Dictionary<string, long> { ["rows"] = 60, ["rows:github_issues"] = 60 }, github.Meters);
        Assert.Equal(new Dictionary<string, long> { ["rows"] = 40 }, gitlab.Meters);

        // Pooled: one subject key, the team, and each record names its plugin in a meter of its own.
        var team = await host.Quota.GetUsageAsync(QuotaHost.Policy, UsageSubjects.KeyOf(QuotaHost.Plugin(), UsageScope.Team));
        Assert.Equal(QuotaHost.Team, UsageSubjects.KeyOf(QuotaHost.Plugin(), UsageScope.Team));
        Assert.Equal("plugin:source/github", UsageMeters.ForPlugin(QuotaHost.Plugin("github")));
        Assert.Equal(
            new Dictionary<string, long> { ["rows"] = 10, ["plugin:source/github"] = 6, ["plugin:source/gitlab"] = 4, ["rows:gitlab_projects"] = 4 },
            team.Meters);
    }

    [Theory]
    [InlineData("a/b", "c", "a", "b/c")]
    [InlineData("a%2Fb", "c", "a/b", "c")]
    [InlineData("acme", "github", "acme", "github ")]
    public void Distinct_plugins_have_distinct_subject_keys(string team, string name, string otherTeam, string otherName)
    {
        var one = UsageSubjects.KeyOf(QuotaHost.Plugin(name, team));
        var other = UsageSubjects.KeyOf(QuotaHost.Plugin(otherName, otherTeam));

        Assert.NotEqual(one, other);
    }

    [Fact]
    public void A_source_and_a_destination_of_the_same_name_are_distinct_subjects()
    {
        Assert.Equal("acme/destination/github", UsageSubjects.KeyOf(QuotaHost.Plugin("github", kind: PluginKind.Destination)));
        Assert.NotEqual(UsageSubjects.KeyOf(QuotaHost.Plugin("github")), UsageSubjects.KeyOf(QuotaHost.Plugin("github", kind: PluginKind.Destination)));
    }

    [Fact]
    public async Task When_a_teams_plugins_share_the_allowance_the_quota_message_names_the_team()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 5);
        var pooled = new UsageClientOptions { Scope = UsageScope.Team };
        var gitlab = host.CreateClient(pooled, name: "gitlab");
        gitlab.Increase(5);
        await gitlab.CloseAsync();

        var hooks = new SyncHooks(await host.CreateIdleClientAsync(new UsageClientOptions { Scope = UsageScope.Team }));
        var error = Assert.Throws<QuotaExceededException>(() => hooks.OnBeforeSend(new SyncInsert(new Table("github_issues") { IsPaid = true }, 1)));

        Assert.StartsWith("Team 'acme' has used its rows allowance for this cycle, so 1 rows of 'github_issues' were not sent", error.Message, StringComparison.Ordinal);
        Assert.Equal(QuotaHost.Team, error.Team);
        Assert.Null(error.Plugin);
    }
}
