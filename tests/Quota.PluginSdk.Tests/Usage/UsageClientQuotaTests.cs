using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Usage;

/// <summary>What a client knows of its team's allowance: from the store, plus what it counted since.</summary>
public sealed class UsageClientQuotaTests
{
    [Fact]
    public async Task TryIncrease_refuses_once_the_rows_counted_here_use_up_the_allowance()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 100);
        var client = await host.CreateIdleClientAsync();

        Assert.True(client.TryIncrease(60));
        Assert.True(client.TryIncrease(40));
        Assert.False(client.TryIncrease(1));
        await client.CloseAsync();

        Assert.Equal(100, await host.RecordedAsync());
    }

    [Fact]
    public async Task A_new_client_of_a_team_that_used_its_allowance_refuses_at_once()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 100);
        await host.RecordAsync(100);

        var second = await host.CreateIdleClientAsync();
        var check = await second.CheckQuotaAsync();

        Assert.False(second.TryIncreaseForTable("t", 1));
        Assert.False(check.HasQuota);
        Assert.Equal(0, check.RemainingRows);
        Assert.Equal(Instant.FromUtc(2026, 2, 1, 0, 0), check.ResetsAt);
    }

    [Fact]
    public async Task CheckQuota_counts_rows_not_yet_recorded_and_reports_the_reset()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 100);
        var client = await host.CreateIdleClientAsync();
        client.Increase(30);

        var check = await client.CheckQuotaAsync();

        Assert.True(check.HasQuota);
        Assert.Equal(70, check.RemainingRows);
        Assert.Equal(Instant.FromUtc(2026, 2, 1, 0, 0), check.ResetsAt);
        Assert.Null(check.SuggestedQueryInterval);
    }

    [Fact]
    public async Task A_client_learns_of_another_clients_usage_when_it_checks()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 100);
        var syncing = await host.CreateIdleClientAsync();
        Assert.True(syncing.TryIncrease(10));

        await host.RecordAsync(90);
        var check = await syncing.CheckQuotaAsync();

        Assert.False(check.HasQuota);
        Assert.False(syncing.TryIncrease(1));
    }

    [Fact]
    public async Task Rows_are_accepted_again_when_the_cycle_resets()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 10);
        var options = QuotaHost.FlushEvery(10);
        var client = await host.CreateIdleClientAsync(options);
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(client.TryIncrease(10));
        await host.Time.WaitForDelayAsync(host.Now + Duration.FromSeconds(30));
        Assert.Equal(10, await host.RecordedAsync());
        Assert.False(client.TryIncrease(1));

        // At its first tick of the new cycle the flusher, knowing the allowance was used up, reads it again.
        var reset = Instant.FromUtc(2026, 2, 1, 0, 0);
        host.Time.AdvanceTo(reset);
        await host.Time.WaitForDelayAsync(reset + Duration.FromSeconds(30));

        Assert.True(client.TryIncrease(1));
        Assert.True((await client.CheckQuotaAsync()).HasQuota);
    }

    [Fact]
    public async Task Rows_without_an_allowance_are_counted_and_never_refused()
    {
        await using var host = QuotaHost.Create(rowsAllowance: null);
        var client = await host.CreateIdleClientAsync();

        Assert.True(client.TryIncrease(uint.MaxValue));
        var check = await client.CheckQuotaAsync();
        await client.CloseAsync();

        Assert.True(check.HasQuota);
        Assert.Null(check.RemainingRows);
        Assert.Equal(uint.MaxValue, await host.RecordedAsync());
    }

    [Fact]
    public async Task The_configured_query_interval_is_suggested_to_monitors()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 10);
        var client = host.CreateClient(new UsageClientOptions { QuotaQueryInterval = TimeSpan.FromSeconds(5) });

        var check = await client.CheckQuotaAsync();

        Assert.Equal(TimeSpan.FromSeconds(5), check.SuggestedQueryInterval);
    }
}
