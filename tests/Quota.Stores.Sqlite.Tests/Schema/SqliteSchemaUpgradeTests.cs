using Microsoft.Extensions.Logging;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.Schema;

/// <summary>A file written by schema version 1, 2 or 3 is upgraded in place, atomically and once, and keeps working.</summary>
public sealed class SqliteSchemaUpgradeTests : SqliteFileTest
{
    private QuotaCounterKey Alice => new("api", "alice", Clock.GetCurrentInstant());

    // What version 1 stored for a key holding a lone surrogate, such as "\uD800": U+FFFD.
    private QuotaCounterKey Replaced => new("api", "\uFFFD", Clock.GetCurrentInstant());

    [Fact]
    public async Task A_version_1_file_is_upgraded_and_keeps_its_usage_ids_and_anchors()
    {
        CreateVersion1File();

        using var store = new SqliteQuotaStore(Database.ConnectionString, Clock);
        var read = await store.ReadAsync(Alice);
        var retried = await store.AddAsync(Alice, new[] { new QuotaMeterDelta("tokens", 10) }, Clock.GetCurrentInstant() + Duration.FromHours(2), "flush-1");
        var consumed = await store.TryAddAsync(Alice, new[] { new QuotaMeterDelta("requests", 1, 10) }, Clock.GetCurrentInstant() + Duration.FromHours(2));

        Assert.Equal(new Dictionary<string, long> { ["requests"] = 3, ["tokens"] = 40 }, read);
        Assert.False(retried.Applied);
        Assert.True(consumed.Applied);
        Assert.Equal(4, consumed.Values[0]);
        Assert.Equal(Clock.GetCurrentInstant() - Duration.FromDays(1), await store.GetAnchorAsync("api", "alice"));
        Assert.Equal(4, SqliteSchema.CurrentVersion);
        Assert.Equal(SqliteSchema.CurrentVersion, Database.Scalar("PRAGMA user_version"));
        Assert.Equal(SqliteSchema.ApplicationId, Database.Scalar("PRAGMA application_id"));
        Assert.Equal(7, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%subject     ANY%' AND sql LIKE '%WITHOUT ROWID, STRICT'"));
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'quota_counters_by_expiry'"));
        Assert.Equal(0, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_next'"));
    }

    [Fact]
    public async Task After_the_upgrade_a_lone_surrogate_key_is_apart_from_what_version_1_made_of_it()
    {
        CreateVersion1File();

        using var store = new SqliteQuotaStore(Database.ConnectionString, Clock);
        var loneSurrogate = Replaced with { Key = "\uD800" };
        await store.AddAsync(loneSurrogate, new[] { new QuotaMeterDelta("requests", 7) }, Clock.GetCurrentInstant() + Duration.FromHours(2));

        Assert.Equal(5, (await store.ReadAsync(Replaced))["requests"]);
        Assert.Equal(7, (await store.ReadAsync(loneSurrogate))["requests"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Stores_racing_to_open_an_older_file_upgrade_it_once(int version)
    {
        CreateFile(version);
        var logger = new UpgradeCounter();
        var stores = Enumerable.Range(0, 8)
            .Select(_ => new SqliteQuotaStore(new SqliteQuotaStoreOptions { ConnectionString = Database.ConnectionString }, Clock, logger))
            .ToArray();
        try
        {
            var reads = await Task.WhenAll(stores.Select(store => Task.Run(async () => await store.ReadAsync(Alice))));

            Assert.All(reads, read => Assert.Equal(3, read["requests"]));
            Assert.Equal(1, logger.Upgrades);
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

    [Fact]
    public async Task An_upgrade_that_fails_part_way_leaves_the_version_1_file_as_it_was()
    {
        // A table in the way of the third step: the first two have run when it fails, inside the one transaction.
        CreateVersion1File(connection => SqliteSchemaVersion1.Execute(connection, "CREATE TABLE quota_applied_ids_next (x INTEGER)"));
        var before = Database.Scalar("SELECT count(*) FROM sqlite_schema");

        using (var store = new SqliteQuotaStore(Database.ConnectionString, Clock))
        {
            var error = await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.ReadAsync(Alice));
            Assert.Contains(Database.FilePath, error.Message);
        }

        Assert.Equal(1, Database.Scalar("PRAGMA user_version"));
        Assert.Equal(before, Database.Scalar("SELECT count(*) FROM sqlite_schema"));
        Assert.Equal(0, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE name IN ('quota_counters_next', 'quota_meters_next')"));
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'quota_counters' AND sql LIKE '%subject     TEXT%'"));
        Assert.Equal(3, Database.Scalar("SELECT value FROM quota_meters WHERE subject = 'alice' AND meter = 'requests'"));
    }

    [Fact]
    public async Task A_version_2_file_is_upgraded_and_takes_grants_and_alerts()
    {
        SqliteSchemaVersion2.Create(Database, connection =>
        {
            var start = Clock.GetCurrentInstant().ToUnixTimeTicks();
            SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_counters VALUES ('api', 'alice', $c, $e)", ("$c", start), ("$e", (Clock.GetCurrentInstant() + Duration.FromHours(2)).ToUnixTimeTicks()));
            SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_meters VALUES ('api', 'alice', $c, 'requests', 10)", ("$c", start));
            SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_anchors VALUES ('api', 'alice', $a)", ("$a", start));
        });

        using var store = new SqliteQuotaStore(Database.ConnectionString, Clock);
        var expiry = Clock.GetCurrentInstant() + Duration.FromHours(2);
        var refused = await store.TryAddAsync(Alice, new[] { new QuotaMeterDelta("requests", 1, 10) }, expiry);
        var granted = await store.GrantAsync(Alice, new QuotaGrant("requests", 1, "after the upgrade", Clock.GetCurrentInstant()), long.MaxValue, expiry);
        var allowed = await store.TryAddAsync(Alice, new[] { new QuotaMeterDelta("requests", 1, 10) }, expiry);
        var marked = await store.TryMarkAlertAsync(Alice, new QuotaAlertMark("requests", 100, Clock.GetCurrentInstant()), expiry);
        var page = await store.ListSubjectsAsync("api", null, 10);
        var lease = await store.LeaseAsync(Alice, "holder", new[] { new QuotaLeaseDelta("requests", 0, 5, 10) }, expiry, Clock.GetCurrentInstant() + Duration.FromSeconds(30));

        Assert.False(refused.Applied);
        Assert.True(granted.Applied);
        Assert.True(allowed.Applied);
        Assert.Equal(11, allowed.Values[0]);
        Assert.True(marked);
        Assert.Equal(new QuotaStoredSubject("alice", Clock.GetCurrentInstant()), Assert.Single(page.Subjects));
        Assert.Equal(0, lease.Held[0]);
        Assert.Equal(SqliteSchema.CurrentVersion, Database.Scalar("PRAGMA user_version"));
        Assert.Equal(7, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID, STRICT'"));
        Assert.Equal(0, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_next'"));
    }

    [Fact]
    public async Task A_version_3_file_is_upgraded_keeps_its_grants_alerts_and_usage_and_takes_leases()
    {
        CreateVersion3File();

        using var store = new SqliteQuotaStore(Database.ConnectionString, Clock);
        var expiry = Clock.GetCurrentInstant() + Duration.FromHours(2);
        var before = (await store.ReadCountersAsync([Alice]))[0];
        var remarked = await store.TryMarkAlertAsync(Alice, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), expiry);

        // 12 used of 10 + 5 granted: a block of at most the 3 left, sized within the grant.
        var lease = await store.LeaseAsync(Alice, "holder", new[] { new QuotaLeaseDelta("requests", 0, 10, 10) }, expiry, Clock.GetCurrentInstant() + Duration.FromSeconds(30));
        var after = (await store.ReadCountersAsync([Alice]))[0];

        Assert.Equal(12, before.Meters["requests"]);
        Assert.Equal(5, before.Granted["requests"]);
        Assert.Equal("ticket 7", Assert.Single(before.Grants).Reason);
        Assert.Equal(80, Assert.Single(before.Alerts).Percent);
        Assert.Empty(before.Reserved);
        Assert.False(remarked);
        Assert.Equal((3L, 15L, 5L, 3L), (lease.Held[0], lease.Values[0], lease.Granted[0], lease.Reserved[0]));
        Assert.Equal(3, after.Reserved["requests"]);
        Assert.Equal(Clock.GetCurrentInstant() - Duration.FromDays(1), await store.GetAnchorAsync("api", "alice"));
        Assert.Equal(4, Database.Scalar("PRAGMA user_version"));
        Assert.Equal(7, Database.Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID, STRICT'"));
    }

    [Fact]
    public async Task An_upgrade_from_version_3_that_fails_leaves_the_file_as_it_was()
    {
        // A table in the way of the leases' table: the step fails inside its transaction.
        CreateVersion3File(connection => SqliteSchemaVersion1.Execute(connection, "CREATE TABLE quota_leases (x INTEGER)"));
        var before = Database.Scalar("SELECT count(*) FROM sqlite_schema");

        using (var store = new SqliteQuotaStore(Database.ConnectionString, Clock))
        {
            var error = await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.ReadAsync(Alice));
            Assert.Contains(Database.FilePath, error.Message);
        }

        Assert.Equal(3, Database.Scalar("PRAGMA user_version"));
        Assert.Equal(before, Database.Scalar("SELECT count(*) FROM sqlite_schema"));
        Assert.Equal(12, Database.Scalar("SELECT value FROM quota_meters WHERE subject = 'alice' AND meter = 'requests'"));
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM quota_grants"));
    }

    /// <summary>A file of <paramref name="version"/> holding alice's usage of 3 requests.</summary>
    private void CreateFile(int version)
    {
        switch (version)
        {
            case 1:
                CreateVersion1File();
                break;
            case 2:
                SqliteSchemaVersion2.Create(Database, connection => InsertAlice(connection, 3));
                break;
            default:
                SqliteSchemaVersion3.Create(Database, connection => InsertAlice(connection, 3));
                break;
        }
    }

    /// <summary>A version 3 file: alice used 12 requests of a cycle with a grant of 5 and the 80 % alert marked.</summary>
    private void CreateVersion3File(Action<Microsoft.Data.Sqlite.SqliteConnection>? more = null)
        => SqliteSchemaVersion3.Create(Database, connection =>
        {
            var start = Clock.GetCurrentInstant().ToUnixTimeTicks();
            InsertAlice(connection, 12);
            SqliteSchemaVersion1.Execute(connection, "UPDATE quota_meters SET granted = 5 WHERE subject = 'alice'");
            SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_grants VALUES ('api', 'alice', $c, 1, 'requests', 5, 'ticket 7', $c)", ("$c", start));
            SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_alerts VALUES ('api', 'alice', $c, 'requests', 80, $c)", ("$c", start));
            more?.Invoke(connection);
        });

    /// <summary>Alice's counter of the current cycle with <paramref name="requests"/> used, and her anchor a day back (the tables of versions 2 and 3).</summary>
    private void InsertAlice(Microsoft.Data.Sqlite.SqliteConnection connection, long requests)
    {
        var start = Clock.GetCurrentInstant().ToUnixTimeTicks();
        SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_counters VALUES ('api', 'alice', $c, $e)", ("$c", start), ("$e", (Clock.GetCurrentInstant() + Duration.FromHours(2)).ToUnixTimeTicks()));
        SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_meters (policy, subject, cycle_start, meter, value) VALUES ('api', 'alice', $c, 'requests', $v)", ("$c", start), ("$v", requests));
        SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_anchors VALUES ('api', 'alice', $a)", ("$a", (Clock.GetCurrentInstant() - Duration.FromDays(1)).ToUnixTimeTicks()));
    }

    /// <summary>A version 1 file holding alice's usage, an applied id and an anchor, and a counter of the key U+FFFD.</summary>
    private void CreateVersion1File(Action<Microsoft.Data.Sqlite.SqliteConnection>? more = null)
        => SqliteSchemaVersion1.Create(Database, connection =>
        {
            var start = Clock.GetCurrentInstant().ToUnixTimeTicks();
            var expires = (Clock.GetCurrentInstant() + Duration.FromHours(2)).ToUnixTimeTicks();
            foreach (var (subject, meter, value) in new[] { ("alice", "requests", 3L), ("alice", "tokens", 40L), ("\uFFFD", "requests", 5L) })
            {
                SqliteSchemaVersion1.Execute(connection, "INSERT OR IGNORE INTO quota_counters VALUES ('api', $s, $c, $e)", ("$s", subject), ("$c", start), ("$e", expires));
                SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_meters VALUES ('api', $s, $c, $m, $v)", ("$s", subject), ("$c", start), ("$m", meter), ("$v", value));
            }

            SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_applied_ids VALUES ('api', 'alice', $c, 'flush-1')", ("$c", start));
            SqliteSchemaVersion1.Execute(connection, "INSERT INTO quota_anchors VALUES ('api', 'alice', $a)", ("$a", (Clock.GetCurrentInstant() - Duration.FromDays(1)).ToUnixTimeTicks()));
            more?.Invoke(connection);
        });

    /// <summary>Counts the store's "upgraded the schema" log events.</summary>
    private sealed class UpgradeCounter : ILogger<SqliteQuotaStore>
    {
        private int _upgrades;

        public int Upgrades => Volatile.Read(ref _upgrades);

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 2002)
            {
                Interlocked.Increment(ref _upgrades);
            }
        }
    }
}
