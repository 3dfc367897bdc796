using System.Globalization;
using Quota.PluginSdk;

namespace Quota.Samples.Plugin;

/// <summary>One run of a plugin: meter its paid rows, stop cleanly when its allowance runs out.</summary>
internal sealed class SyncRun(IUsageClientFactory usageClients)
{
    /// <summary>Syncs every table of the plugin; returns false when the quota stopped the sync.</summary>
    public async Task<bool> RunAsync(int number, SourcePlugin plugin, CancellationToken cancellationToken)
    {
        var tables = plugin.Tables();
        var meta = plugin.Meta with { SkipUsageClient = !tables.HasPaidTables() };
        Console.WriteLine($"Run {number}: syncing {tables.Count} tables of {meta} …");

        var client = usageClients.Create(meta);
        try
        {
            // Refuses at once when the plugin has nothing left; later cancels the token if another run uses it up.
            await using var monitor = await QuotaMonitor.WithCancelOnQuotaExceeded(cancellationToken, client);
            var hooks = new SyncHooks(client);
            foreach (var table in tables)
            {
                await SyncTableAsync(hooks, plugin, table, monitor);
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
        }
    }

    private static async Task SyncTableAsync(SyncHooks hooks, SourcePlugin plugin, Table table, QuotaMonitorScope monitor)
    {
        hooks.OnBeforeSend(new SyncMigrateTable(table));
        var sent = 0;
        while (sent < plugin.RowsPerTable)
        {
            monitor.ThrowIfCancellationRequested();
            var page = await SourcePlugin.FetchPageAsync(table, SourcePlugin.PageSize, monitor.Token);
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
        }

        Progress(table, sent, "done");
    }

    private static void Progress(Table table, int sent, string note)
        => Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {table.Name,-22} {(table.IsPaid ? "paid" : "free"),-4} {sent,7:N0} rows  {note}"));
}
