namespace Quota.Stores.Sqlite;

/// <summary>
/// The store's tables, versioned with <c>PRAGMA user_version</c> and marked with <c>PRAGMA application_id</c>. A file is
/// upgraded step by step inside one write transaction; a file of a newer version, or of another application, is refused
/// before anything is written to it.
/// </summary>
/// <remarks>
/// Counter metadata (expiry) lives apart from meter rows, so a meter may have any name. Every table is
/// <c>WITHOUT ROWID</c> (the key is the primary key, so a lookup is one B-tree search) and <c>STRICT</c> (a value of
/// the wrong type is refused instead of stored). Times are Unix times in 100 ns ticks.
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>"Quot", so that the file tells what it is (<c>PRAGMA application_id</c>).</summary>
    public const int ApplicationId = 0x51756F74;

    /// <summary>The steps from each version to the next: <c>Steps[v]</c> upgrades version <c>v</c> to <c>v + 1</c>.</summary>
    private static readonly string[] Steps =
    [
        """
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
        """,
    ];

    /// <summary>Gets the version this build writes.</summary>
    public static int CurrentVersion => Steps.Length;

    /// <summary>Refuses a file this build must not touch. Reads only.</summary>
    /// <returns>The file's schema version.</returns>
    public static long Check(SqliteSession session, SqliteDataFile file)
    {
        var applicationId = ReadInt64(session, "PRAGMA application_id");
        var version = ReadInt64(session, "PRAGMA user_version");
        if (applicationId != 0 && applicationId != ApplicationId)
        {
            throw SqliteStoreErrors.ForeignDatabase(file, $"application_id {applicationId}");
        }

        if (applicationId == 0 && version != 0)
        {
            throw SqliteStoreErrors.ForeignDatabase(file, $"user_version {version} without Quota's application_id");
        }

        if (version > CurrentVersion)
        {
            throw SqliteStoreErrors.NewerSchema(file, version, CurrentVersion);
        }

        if (version == 0 && ReadInt64(session, "SELECT count(*) FROM sqlite_schema") != 0)
        {
            throw SqliteStoreErrors.ForeignDatabase(file, "it holds tables but no Quota schema version");
        }

        return version;
    }

    /// <summary>Brings the file to <see cref="CurrentVersion"/>, in one write transaction that re-checks the version, so racing processes upgrade once.</summary>
    /// <returns>The version the file had, or <see langword="null"/> when it was already current.</returns>
    public static long? Upgrade(SqliteSession session, SqliteDataFile file)
    {
        if (Check(session, file) == CurrentVersion)
        {
            return null;
        }

        session.Begin();
        try
        {
            var version = Check(session, file);
            for (var step = version; step < CurrentVersion; step++)
            {
                session.ExecuteNonQuery(Steps[step]);
            }

            session.ExecuteNonQuery($"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {CurrentVersion};");
            session.Commit();
            return version == CurrentVersion ? null : version;
        }
        catch
        {
            session.Rollback();
            throw;
        }
    }

    private static long ReadInt64(SqliteSession session, string sql) => Convert.ToInt64(session.ExecuteScalar(sql), System.Globalization.CultureInfo.InvariantCulture);
}
