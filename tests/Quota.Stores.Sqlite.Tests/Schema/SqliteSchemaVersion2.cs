using Quota.Tests.Support;

namespace Quota.Tests.Schema;

/// <summary>
/// Files as version 2 of the schema wrote them (keys in ANY columns, before grants and alerts): its DDL copied verbatim,
/// so the upgrade to version 3 is tested against what real files hold.
/// </summary>
internal static class SqliteSchemaVersion2
{
    public const string Ddl = """
        CREATE TABLE quota_counters (
            policy      ANY     NOT NULL,
            subject     ANY     NOT NULL,
            cycle_start INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start)
        ) WITHOUT ROWID, STRICT;
        CREATE INDEX quota_counters_by_expiry ON quota_counters (expires_at);
        CREATE TABLE quota_meters (
            policy      ANY     NOT NULL,
            subject     ANY     NOT NULL,
            cycle_start INTEGER NOT NULL,
            meter       ANY     NOT NULL,
            value       INTEGER NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start, meter)
        ) WITHOUT ROWID, STRICT;
        CREATE TABLE quota_applied_ids (
            policy      ANY     NOT NULL,
            subject     ANY     NOT NULL,
            cycle_start INTEGER NOT NULL,
            id          ANY     NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start, id)
        ) WITHOUT ROWID, STRICT;
        CREATE TABLE quota_anchors (
            policy      ANY     NOT NULL,
            subject     ANY     NOT NULL,
            anchor      INTEGER NOT NULL,
            PRIMARY KEY (policy, subject)
        ) WITHOUT ROWID, STRICT;
        """;

    /// <summary>Creates a version 2 file in WAL mode, as version 2 left it, and runs <paramref name="fill"/> on it.</summary>
    public static void Create(TempDatabase database, Action<Microsoft.Data.Sqlite.SqliteConnection> fill)
    {
        using var connection = database.OpenRaw();
        SqliteSchemaVersion1.Execute(connection, "PRAGMA journal_mode = WAL");
        using (var transaction = connection.BeginTransaction())
        {
            SqliteSchemaVersion1.Execute(connection, Ddl);
            SqliteSchemaVersion1.Execute(connection, "PRAGMA application_id = 1366650740; PRAGMA user_version = 2;");
            fill(connection);
            transaction.Commit();
        }
    }
}
