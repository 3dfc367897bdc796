using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.Health;

/// <summary>
/// The SQLite store's health through <c>AddHealthChecks().AddQuotaStore()</c>: healthy on a usable file, and the
/// failure status, naming the file, when it is locked by another process, damaged, replaced by a folder or deleted.
/// </summary>
public sealed class SqliteQuotaStoreHealthTests : SqliteFileTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_store_in_use_is_healthy_with_its_file_size_and_schema_in_the_data()
    {
        await using var provider = Provider();
        await provider.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "alice");

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal($"'{Database.FilePath}' is readable and its write lock is free.", entry.Description);
        Assert.Equal(Database.FilePath, entry.Data["file"]);
        Assert.True((long)entry.Data["sizeBytes"] > 0);
        Assert.True((long)entry.Data["schemaVersion"] >= 2);
        Assert.Equal("SqliteQuotaStore", entry.Data["store"]);
    }

    [Fact]
    public async Task A_file_not_created_yet_is_healthy_and_the_probe_does_not_create_it()
    {
        await using var provider = Provider();

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal($"'{Database.FilePath}' does not exist yet; the SQLite quota store creates it on first use, in a folder that exists.", entry.Description);
        Assert.False(File.Exists(Database.FilePath));
    }

    [Fact]
    public async Task A_file_another_process_holds_locked_is_unhealthy_until_it_lets_go()
    {
        await SeedAsync();
        await using var provider = Provider(timeout: TimeSpan.FromSeconds(1));
        await using (var holder = await WorkerProcess.StartAsync("hold", Database.FilePath, "api", "holder", "0", "60000"))
        {
            await holder.GoAsync();
            Assert.Equal("holding", await holder.ReadLineAsync());

            var locked = await CheckAsync(provider);

            Assert.Equal(HealthStatus.Unhealthy, locked.Status);
            Assert.StartsWith($"'{Database.FilePath}' is locked: another process has held its write lock for more than 450 ms. Consumes wait for it up to BusyTimeout (5 s) and then fail", locked.Description, StringComparison.Ordinal);
            Assert.Equal(Database.FilePath, locked.Data["file"]);
        }

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);
    }

    [Fact]
    public async Task A_damaged_file_is_unhealthy_and_left_untouched()
    {
        var garbage = Enumerable.Range(0, 4096).Select(i => unchecked((byte)(i * 7))).ToArray();
        await File.WriteAllBytesAsync(Database.FilePath, garbage);
        await using var provider = Provider();

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith($"The file '{Database.FilePath}' is not a SQLite database, or is damaged", entry.Description, StringComparison.Ordinal);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(Database.FilePath));
    }

    [Fact]
    public async Task Another_applications_database_is_unhealthy_with_the_failure_status_chosen()
    {
        using (var other = Database.OpenRaw())
        using (var command = other.CreateCommand())
        {
            command.CommandText = "CREATE TABLE invoices (id INTEGER PRIMARY KEY)";
            command.ExecuteNonQuery();
        }

        await using var provider = Provider(failureStatus: HealthStatus.Degraded);

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.StartsWith($"The file '{Database.FilePath}' is a SQLite database of another application", entry.Description, StringComparison.Ordinal);
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM sqlite_schema"));
    }

    [Fact]
    public async Task A_folder_in_place_of_the_file_is_unhealthy()
    {
        Directory.CreateDirectory(Database.FilePath);
        await using var provider = Provider();

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal($"'{Database.FilePath}' is a folder, so the SQLite quota store cannot open it as its file. Point the connection string at a file.", entry.Description);
    }

    [Fact]
    public async Task A_file_deleted_while_the_store_has_it_open_is_unhealthy()
    {
        await using var provider = Provider();
        await provider.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "alice");
        foreach (var path in new[] { Database.FilePath, Database.FilePath + "-wal", Database.FilePath + "-shm" })
        {
            File.Delete(path);
        }

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith($"'{Database.FilePath}' was deleted while the SQLite quota store has it open", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_removed_after_start_up_is_unhealthy_saying_which_folder()
    {
        await using var provider = Provider();
        await provider.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "alice");
        Directory.Delete(Database.Folder, recursive: true);

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith($"The SQLite quota store cannot create '{Database.FilePath}': the folder '{Database.Folder}' does not exist.", entry.Description, StringComparison.Ordinal);
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[QuotaHealthChecksBuilderExtensions.DefaultName];
    }

    private ServiceProvider Provider(HealthStatus? failureStatus = null, TimeSpan? timeout = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IClock>(Clock);
        services.AddQuota().AddPolicy("api", QuotaPeriod.Monthly, ("requests", 10)).UseSqliteStore(Database.ConnectionString);
        services.AddHealthChecks().AddQuotaStore(failureStatus: failureStatus, timeout: timeout ?? Timeout, degradedLatency: (timeout ?? Timeout) * 0.9);
        return services.BuildServiceProvider();
    }
}
