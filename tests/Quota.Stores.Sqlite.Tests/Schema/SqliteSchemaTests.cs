using Microsoft.Data.Sqlite;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.Schema;

public sealed class SqliteSchemaTests : SqliteFileTest
{

    [Fact]
    public async Task A_new_file_gets_the_current_schema_in_WAL_mode()
    {
        await SeedAsync();

        Assert.Equal(SqliteSchema.CurrentVersion, Database.Scalar("PRAGMA user_version"));
        Assert.Equal(SqliteSchema.ApplicationId, Database.Scalar("PRAGMA application_id"));
        Assert.Equal(7, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID, STRICT'"));
        using var connection = Database.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task An_empty_file_is_given_the_schema()
    {
        await File.WriteAllBytesAsync(Database.FilePath, []);
        using var store = new SqliteQuotaStore(Database.ConnectionString, Clock);

        var result = await store.TryAddAsync(Counter(), new[] { new QuotaMeterDelta("requests", 1, 5) }, Clock.GetCurrentInstant() + Duration.FromHours(1));

        Assert.True(result.Applied);
        Assert.Equal(SqliteSchema.CurrentVersion, Database.Scalar("PRAGMA user_version"));
    }

    [Fact]
    public async Task Stores_racing_to_create_one_file_create_it_once()
    {
        var stores = Enumerable.Range(0, 8).Select(_ => new SqliteQuotaStore(Database.ConnectionString, Clock)).ToArray();
        try
        {
            var counter = Counter();
            await Task.WhenAll(stores.Select(store => Task.Run(async () => await store.AddAsync(counter, new[] { new QuotaMeterDelta("rows", 2) }, Clock.GetCurrentInstant() + Duration.FromHours(1)))));

            Assert.Equal(16, (await stores[0].ReadAsync(counter))["rows"]);
            Assert.Equal(SqliteSchema.CurrentVersion, Database.Scalar("PRAGMA user_version"));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(95)]
    public async Task A_file_of_a_newer_schema_version_is_refused_and_left_untouched(int ahead)
    {
        await SeedAsync();
        var version = SqliteSchema.CurrentVersion + ahead;

        Database.Scalar(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA user_version = {version}"));
        var before = await File.ReadAllBytesAsync(Database.FilePath);

        using var store = new SqliteQuotaStore(Database.ConnectionString, Clock);
        var error = await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.TryAddAsync(Counter(), new[] { new QuotaMeterDelta("requests", 1) }, Clock.GetCurrentInstant() + Duration.FromHours(1)));
        await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.ReadAsync(Counter()));
        store.Dispose();

        Assert.Contains(Database.FilePath, error.Message);
        Assert.Contains($"schema version {version}", error.Message);
        Assert.Contains("Upgrade the Quota.Stores.Sqlite package", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(Database.FilePath));
    }

    [Fact]
    public async Task A_corrupt_file_is_refused_and_left_untouched()
    {
        var garbage = new byte[16 * 1024];
        new Random(42).NextBytes(garbage);
        await File.WriteAllBytesAsync(Database.FilePath, garbage);

        using (var store = new SqliteQuotaStore(Database.ConnectionString, Clock))
        {
            var error = await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.TryAddAsync(Counter(), new[] { new QuotaMeterDelta("requests", 1) }, Clock.GetCurrentInstant() + Duration.FromHours(1)));
            Assert.Contains(Database.FilePath, error.Message);
            Assert.Contains("not a SQLite database", error.Message);
            Assert.Contains("left untouched", error.Message);

            // Still refused on the next call: nothing was "repaired" in between.
            await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.GetAnchorAsync("policy", "key"));
        }

        Assert.Equal(garbage, await File.ReadAllBytesAsync(Database.FilePath));
        Assert.False(File.Exists(Database.FilePath + "-wal"));
    }

    [Theory]
    [InlineData("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", "holds tables")]
    [InlineData("PRAGMA application_id = 1234", "application_id 1234")]
    [InlineData("PRAGMA user_version = 3", "user_version 3")]
    public async Task Another_applicationsDatabase_is_refused_and_left_untouched(string setup, string reason)
    {
        Database.Scalar(setup);
        var before = await File.ReadAllBytesAsync(Database.FilePath);

        using (var store = new SqliteQuotaStore(Database.ConnectionString, Clock))
        {
            var error = await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.AddAsync(Counter(), new[] { new QuotaMeterDelta("rows", 1) }, Clock.GetCurrentInstant() + Duration.FromHours(1)));
            Assert.Contains(Database.FilePath, error.Message);
            Assert.Contains("another application", error.Message);
            Assert.Contains(reason, error.Message);
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(Database.FilePath));
    }

    [Fact]
    public async Task Another_applications_WAL_database_is_refused_and_neither_its_file_nor_its_wal_changes()
    {
        // Another application's database as a crash leaves it: in WAL mode, its last commits only in the -wal.
        var elsewhere = Path.Combine(Database.Folder, "foreign.db");
        using (var foreign = new SqliteConnection($"Data Source={elsewhere};Pooling=False"))
        {
            foreign.Open();
            using var command = foreign.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada'), ('grace');";
            command.ExecuteNonQuery();
            File.Copy(elsewhere, Database.FilePath);
            File.Copy(elsewhere + "-wal", Database.FilePath + "-wal");
        }

        var main = await File.ReadAllBytesAsync(Database.FilePath);
        var wal = await File.ReadAllBytesAsync(Database.FilePath + "-wal");
        Assert.NotEmpty(wal);

        using (var store = new SqliteQuotaStore(Database.ConnectionString, Clock))
        {
            var error = await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.TryAddAsync(Counter(), new[] { new QuotaMeterDelta("requests", 1) }, Clock.GetCurrentInstant() + Duration.FromHours(1)));
            Assert.Contains("another application", error.Message);
            await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.GetAnchorAsync("policy", "key"));
        }

        Assert.Equal(main, await File.ReadAllBytesAsync(Database.FilePath));
        Assert.True(File.Exists(Database.FilePath + "-wal"), "the -wal was deleted");
        Assert.Equal(wal, await File.ReadAllBytesAsync(Database.FilePath + "-wal"));
    }

    private QuotaCounterKey Counter() => new("schema-test", "subject", Clock.GetCurrentInstant());
}
