using Microsoft.Data.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.Schema;

/// <summary>
/// Files as version 1 of the schema wrote them (Quota.Stores.Sqlite up to the key-encoding change): its DDL copied
/// verbatim, so the upgrade is tested against what real files hold, whatever the code does now.
/// </summary>
internal static class SqliteSchemaVersion1
{
    public const string Ddl = """
        CREATE TABLE quota_counters (
            policy      TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            cycle_start INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start)
        ) WITHOUT ROWID, STRICT;
        CREATE INDEX quota_counters_by_expiry ON quota_counters (expires_at);
        CREATE TABLE quota_meters (
            policy      TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            cycle_start INTEGER NOT NULL,
            meter       TEXT    NOT NULL,
            value       INTEGER NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start, meter)
        ) WITHOUT ROWID, STRICT;
        CREATE TABLE quota_applied_ids (
            policy      TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            cycle_start INTEGER NOT NULL,
            id          TEXT    NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start, id)
        ) WITHOUT ROWID, STRICT;
        CREATE TABLE quota_anchors (
            policy      TEXT    NOT NULL,
            subject     TEXT    NOT NULL,
            anchor      INTEGER NOT NULL,
            PRIMARY KEY (policy, subject)
        ) WITHOUT ROWID, STRICT;
        """;

    /// <summary>Creates a version 1 file in WAL mode, as version 1 left it, and runs <paramref name="fill"/> on it.</summary>
    public static void Create(TempDatabase database, Action<SqliteConnection> fill)
    {
        using var connection = database.OpenRaw();
        Execute(connection, "PRAGMA journal_mode = WAL");
        using (var transaction = connection.BeginTransaction())
        {
            Execute(connection, Ddl);
            Execute(connection, "PRAGMA application_id = 1366650740; PRAGMA user_version = 1;");
            fill(connection);
            transaction.Commit();
        }
    }

    /// <summary>Runs a statement with named parameters, e.g. <c>("$p", "api")</c>.</summary>
    public static void Execute(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
