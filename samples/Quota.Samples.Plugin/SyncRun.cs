using System.Globalization;
using Quota.PluginSdk;

namespace Quota.Samples.Plugin;

/// <summary>One run of the plugin: meter its paid rows, stop cleanly when the team's allowance runs out.</summary>
internal sealed class SyncRun(IUsageClientFactory usageClients, IQuotaService quota, string policy)
{
    /// <summary>Syncs every table; returns false when the team's quota stopped the sync.</summary>
    public async Task<bool> RunAsync(int number, CancellationToken cancellationToken)
    {
        var tables = GitHubSource.Tables();
        var meta = GitHubSource.Meta with { SkipUsageClient = !PaidTables.ContainsPaidTables(tables) };
        Console.WriteLine($"Run {number}: syncing {tables.Count} tables of {meta} …");

        var client = usageClients.Create(meta);
        try
        {
            // Refuses at once when the team has nothing left; later cancels the token if another run uses it up.
            await using var monitor = await QuotaMonitor.WithCancelOnQuotaExceeded(cancellationToken, client);
            var hooks = new SyncHooks(client);
            foreach (var table in tables)
            {
                await SyncTableAsync(hooks, table, monitor);
            }

            await hooks.OnSyncFinishAsync();
            Console.WriteLine($"Run {number}: done.");
            return true;
        }
        catch (QuotaExceededException ex)
        {
            Console.WriteLine($"Run {number}: stopped. {ex.Message}");
            return false;
        }
        finally
        {
            // Records every counted row (a no-op if the sync finish already did); throws if they cannot be recorded.
            await client.DisposeAsync();
            await PrintUsageAsync(meta.Team);
        }
    }

    private static async Task SyncTableAsync(SyncHooks hooks, Table table, QuotaMonitorScope monitor)
    {
        hooks.OnBeforeSend(new SyncMigrateTable(table));
        var sent = 0;
        while (sent < GitHubSource.RowsPerTable)
        {
            monitor.ThrowIfCancellationRequested();
            var page = await GitHubSource.FetchPageAsync(table, GitHubSource.PageSize, monitor.Token);
            try
            {
                hooks.OnBeforeSend(page);
            }
            catch (QuotaExceededException)
            {
                Progress(table, sent, "refused: allowance used up");
                throw;
            }

            sent += (int)page.Rows;
            if (sent % 10_000 == 0)
            {
                Progress(table, sent, sent == GitHubSource.RowsPerTable ? "done" : null);
            }
        }
    }

    private static void Progress(Table table, int sent, string? note)
        => Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {table.Name,-22} {(table.IsPaid ? "paid" : "free"),-4} {sent,7:N0} rows{(note is null ? string.Empty : "  " + note)}"));

    private async Task PrintUsageAsync(string team)
    {
        var usage = await quota.GetUsageAsync(policy, team);
        var used = usage.Meters.GetValueOrDefault(UsageMeters.Rows);
        var limit = usage.Limits.GetValueOrDefault(UsageMeters.Rows);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Team '{team}' has used {used:N0} of {limit:N0} paid rows this month (resets {usage.NextResetDate:uuuu-MM-dd})."));
        foreach (var (meter, rows) in usage.Meters.Where(m => m.Key.StartsWith(UsageMeters.TablePrefix, StringComparison.Ordinal)).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {meter,-28} {rows,7:N0}"));
        }

        Console.WriteLine();
    }
}
