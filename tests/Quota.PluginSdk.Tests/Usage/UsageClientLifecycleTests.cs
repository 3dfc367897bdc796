using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Usage;

/// <summary>Misuse and lifecycle: each with its stated outcome.</summary>
public sealed class UsageClientLifecycleTests
{
    [Fact]
    public async Task Close_twice_returns_the_first_close()
    {
        await using var host = QuotaHost.Create();
        var client = host.CreateClient();
        client.Increase(3);

        var first = client.CloseAsync();
        var second = client.CloseAsync();
        await first;
        await client.DisposeAsync();

        Assert.Same(first, second);
        Assert.Same(first, client.CloseAsync());
        Assert.Equal(3, await host.RecordedAsync());
    }

    [Fact]
    public async Task A_failed_close_fails_the_same_way_when_closed_or_disposed_again()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var client = host.CreateClient(new UsageClientOptions { MaxRetries = 0 });
        host.Flaky.Down = true;
        client.Increase(3);

        var first = await Assert.ThrowsAsync<UsageReportException>(() => client.CloseAsync());
        host.Flaky.Down = false;
        var second = await Assert.ThrowsAsync<UsageReportException>(() => client.CloseAsync());
        var disposed = await Assert.ThrowsAsync<UsageReportException>(async () => await client.DisposeAsync());

        Assert.Same(first, second);
        Assert.Same(first, disposed);
    }

    [Fact]
    public async Task Increase_after_close_is_refused()
    {
        await using var host = QuotaHost.Create();
        var client = host.CreateClient();
        client.Increase(1);
        await client.CloseAsync();

        var error = Assert.Throws<ObjectDisposedException>(() => client.Increase(1));
        Assert.Contains("closed", error.Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => client.TryIncrease(1));
        Assert.Equal(1, await host.RecordedAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_closed_never_used_client_refuses_both_kinds_of_call_as_closed_and_fixes_no_mode(bool skip)
    {
        await using var host = QuotaHost.Create();
        var client = host.CreateClient(skip: skip);
        await client.CloseAsync();

        // As in Go, the closed check comes before the mode is decided: every call afterwards is refused the same way.
        Assert.Throws<ObjectDisposedException>(() => client.IncreaseForTable("t", 1));
        Assert.Throws<ObjectDisposedException>(() => client.Increase(1));
        Assert.Throws<ObjectDisposedException>(() => client.TryIncrease(1));
        Assert.Throws<ObjectDisposedException>(() => client.TryIncreaseForTable("t", 1));
    }

    [Fact]
    public async Task Increase_of_zero_rows_is_refused_and_fixes_no_mode()
    {
        await using var host = QuotaHost.Create();
        var client = host.CreateClient();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => client.Increase(0));
        Assert.Equal("rows", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.IncreaseForTable("t", 0));

        // Neither call fixed the mode: per-table counting still works.
        client.IncreaseForTable("t", 2);
        await client.CloseAsync();
        Assert.Equal(2, await host.RecordedAsync(UsageMeters.ForTable("t")));
    }

    [Fact]
    public async Task Mixing_total_and_per_table_counting_is_refused_either_way()
    {
        await using var host = QuotaHost.Create();
        var total = host.CreateClient();
        var perTable = host.CreateClient();

        total.Increase(1);
        var one = Assert.Throws<InvalidOperationException>(() => total.IncreaseForTable("t", 1));
        perTable.IncreaseForTable("t", 1);
        var other = Assert.Throws<InvalidOperationException>(() => perTable.Increase(1));

        Assert.Contains("Increase(rows)", one.Message, StringComparison.Ordinal);
        Assert.Contains("IncreaseForTable(table, rows)", other.Message, StringComparison.Ordinal);
        await total.CloseAsync();
        await perTable.CloseAsync();
        Assert.Equal(2, await host.RecordedAsync());
    }

    [Fact]
    public async Task Increase_for_an_unnamed_table_is_refused()
    {
        await using var host = QuotaHost.Create();
        var client = host.CreateClient();

        Assert.Throws<ArgumentException>(() => client.IncreaseForTable("", 1));
        Assert.Throws<ArgumentException>(() => client.IncreaseForTable(null!, 1));
    }

    [Fact]
    public async Task A_skipped_client_counts_nothing_always_has_quota_and_checks_the_same_misuse()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 0);
        var client = host.CreateClient(skip: true);

        Assert.True(client.TryIncrease(5));
        Assert.True((await client.CheckQuotaAsync()).HasQuota);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Increase(0));
        Assert.Throws<InvalidOperationException>(() => client.IncreaseForTable("t", 1));
        await client.CloseAsync();
        await client.CloseAsync();
        Assert.Throws<ObjectDisposedException>(() => client.Increase(1));
        Assert.Equal(QuotaHost.Team, client.TeamName);
        Assert.Equal(0, await host.RecordedAsync());
    }

    [Fact]
    public async Task An_unknown_policy_or_a_missing_team_is_refused_at_creation()
    {
        await using var host = QuotaHost.Create();
        var meta = new PluginMeta { Team = "acme", Name = "github" };

        var policy = Assert.Throws<ArgumentException>(() => UsageClient.Create(meta, host.Quota, "no-such-policy"));
        var team = Assert.Throws<ArgumentException>(() => UsageClient.Create(meta with { Team = " " }, host.Quota, QuotaHost.Policy));

        Assert.Contains(QuotaHost.Policy, policy.Message, StringComparison.Ordinal);
        Assert.Contains("PluginMeta.Team", team.Message, StringComparison.Ordinal);
    }
}
