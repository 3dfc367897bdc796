using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Sync;

public sealed class SyncHooksTests
{
    private static readonly Table Free = new("github_users");
    private static readonly Table Paid = new("github_issues") { IsPaid = true };
    private static readonly Table PaidToo = new("github_releases") { IsPaid = true };

    [Fact]
    public async Task Only_inserts_into_paid_tables_are_counted_per_table_and_in_total()
    {
        await using var host = QuotaHost.Create();
        var hooks = new SyncHooks(host.CreateClient());
        SyncMessage[] messages =
        [
            new SyncMigrateTable(Paid),
            new SyncInsert(Paid, 10),
            new SyncInsert(Free, 1000),
            new SyncInsert(PaidToo, 5),
            new SyncInsert(Paid, 0),
            new SyncDeleteStale(Paid, "github", host.Now),
            new SyncInsert(Paid, 2),
        ];

        foreach (var message in messages)
        {
            Assert.Same(message, hooks.OnBeforeSend(message));
        }

        await hooks.OnSyncFinishAsync();

        Assert.Equal(17, await host.RecordedAsync());
        Assert.Equal(12, await host.RecordedAsync(UsageMeters.ForTable(Paid.Name)));
        Assert.Equal(5, await host.RecordedAsync(UsageMeters.ForTable(PaidToo.Name)));
        Assert.Equal(0, await host.RecordedAsync(UsageMeters.ForTable(Free.Name)));
    }

    [Fact]
    public async Task An_insert_is_refused_once_the_allowance_is_used_up_and_not_counted()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 25);
        var hooks = new SyncHooks(await host.CreateIdleClientAsync());

        hooks.OnBeforeSend(new SyncInsert(Paid, 20));
        hooks.OnBeforeSend(new SyncInsert(Paid, 10));
        var error = Assert.Throws<QuotaExceededException>(() => hooks.OnBeforeSend(new SyncInsert(PaidToo, 10)));

        // Free tables and other messages still pass.
        hooks.OnBeforeSend(new SyncInsert(Free, 10));
        hooks.OnBeforeSend(new SyncMigrateTable(PaidToo));
        await hooks.OnSyncFinishAsync();

        Assert.Equal(QuotaHost.Team, error.Team);
        Assert.Contains("10 rows of 'github_releases' were not sent", error.Message, StringComparison.Ordinal);
        Assert.Equal(30, await host.RecordedAsync());
    }

    [Fact]
    public async Task Sync_finish_closes_the_client_once()
    {
        await using var host = QuotaHost.Create();
        var hooks = new SyncHooks(host.CreateClient());
        hooks.OnBeforeSend(new SyncInsert(Paid, 3));

        var first = hooks.OnSyncFinishAsync();
        await first;

        Assert.Same(first, hooks.OnSyncFinishAsync());
        Assert.Throws<ObjectDisposedException>(() => hooks.OnBeforeSend(new SyncInsert(Paid, 1)));
        Assert.Equal(3, await host.RecordedAsync());
    }

    [Fact]
    public void A_null_message_is_refused()
    {
        var hooks = new SyncHooks(new NoOpUsageClient(QuotaHost.Plugin(), UsageScope.Plugin));

        Assert.Throws<ArgumentNullException>(() => hooks.OnBeforeSend(null!));
    }
}
