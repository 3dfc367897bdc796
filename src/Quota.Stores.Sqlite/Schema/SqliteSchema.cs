namespace Quota.Stores.Sqlite;

/// <summary>
/// The store's tables, versioned with <c>PRAGMA user_version</c> and marked with <c>PRAGMA application_id</c>. A new file
/// gets the current schema, an older one is upgraded step by step, each inside the one write transaction that re-checks
/// the version; a file of a newer version, or of another application, is refused before anything is written to it.
/// </summary>
/// <remarks>
/// <para>
/// Counter metadata (expiry) lives apart from meter rows, so a meter may have any name. Every table is
/// <c>WITHOUT ROWID</c> (the key is the primary key, so a lookup is one B-tree search) and <c>STRICT</c> (a value of
/// the wrong type is refused instead of stored). Times are Unix times in 100 ns ticks.
/// </para>
/// <para>
/// Policies, subject keys, meter names and idempotency ids are <c>ANY</c> columns holding <see cref="SqliteText"/>: a
/// well-formed string as <c>TEXT</c> (its UTF-8), a string with a lone UTF-16 surrogate as a <c>BLOB</c> of its
/// generalized UTF-8 (<see cref="LosslessUtf8"/>). A <c>TEXT</c> never equals a <c>BLOB</c>, so any two distinct strings
/// are distinct keys. Version 1 had <c>TEXT</c> columns, through which such strings arrived as U+FFFD.
/// </para>
/// <para>
/// Version 3 keeps each cycle's grants (<c>quota_grants</c>, with their reasons, and their total per meter in
/// <c>quota_meters.granted</c>) and the marks of the threshold alerts that fired (<c>quota_alerts</c>). Every row of a
/// counter goes with it when it expires.
/// </para>
/// </remarks>
internal static class SqliteSchema
{
    /// <summary>"Quot", so that the file tells what it is (<c>PRAGMA application_id</c>).</summary>
    public const int ApplicationId = 0x51756F74;

    /// <summary>The current schema, given to a new file in one step.</summary>
    private const string Current = """
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
            granted     INTEGER NOT NULL DEFAULT 0,
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
        CREATE TABLE quota_grants (
            policy      ANY     NOT NULL,
            subject     ANY     NOT NULL,
            cycle_start INTEGER NOT NULL,
            seq         INTEGER NOT NULL,
            meter       ANY     NOT NULL,
            amount      INTEGER NOT NULL,
            reason      ANY     NOT NULL,
            granted_at  INTEGER NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start, seq)
        ) WITHOUT ROWID, STRICT;
        CREATE TABLE quota_alerts (
            policy      ANY     NOT NULL,
            subject     ANY     NOT NULL,
            cycle_start INTEGER NOT NULL,
            meter       ANY     NOT NULL,
            percent     INTEGER NOT NULL,
            fired_at    INTEGER NOT NULL,
            PRIMARY KEY (policy, subject, cycle_start, meter, percent)
        ) WITHOUT ROWID, STRICT;
        """;

    /// <summary>The upgrades of older files: <c>Upgrades[v - 1]</c> takes version <c>v</c> to <c>v + 1</c>.</summary>
    private static readonly string[] Upgrades =
    [
        // 1 → 2: TEXT key columns become ANY. SQLite cannot change a column's type in place, so each table is copied
        // into its new shape; every stored value is TEXT and stays as it was, which is exactly how this version
        // stores a well-formed string. (Strings with a lone surrogate were stored as U+FFFD and cannot be told apart.)
        string.Concat(
            Rebuild("quota_counters", Table(Current, "quota_counters"), "policy, subject, cycle_start, expires_at"),
            "CREATE INDEX quota_counters_by_expiry ON quota_counters (expires_at);\n",
            Rebuild("quota_meters", Table(Current, "quota_meters"), "policy, subject, cycle_start, meter, value"),
            Rebuild("quota_applied_ids", Table(Current, "quota_applied_ids"), "policy, subject, cycle_start, id"),
            Rebuild("quota_anchors", Table(Current, "quota_anchors"), "policy, subject, anchor")),

        // 2 → 3: grants and fired alerts (issue 17). A meter row keeps its cycle's grant total beside its value, so the
        // one-statement consume compares against allowance plus grants without another lookup; the grants themselves,
        // with their reasons, and the alerts' marks get tables of their own. The meter table is copied into its new shape
        // rather than altered, so the step also follows step 1 → 2 (which already builds it from the current shape).
        string.Concat(
            Rebuild("quota_meters", Table(Current, "quota_meters"), "policy, subject, cycle_start, meter, value"),
            Table(Current, "quota_grants"),
            ";\n",
            Table(Current, "quota_alerts"),
            ";\n"),
    ];

    /// <summary>Gets the version this build writes.</summary>
    public static int CurrentVersion => Upgrades.Length + 1;

    /// <summary>
    /// Refuses a file this build must not touch. Reads only, and reads the marks and the table count in one statement
    /// (one read transaction), so a file that another process is creating reads as either empty or complete.
    /// </summary>
    /// <returns>The file's schema version.</returns>
    public static long Check(SqliteSession session, SqliteDataFile file)
    {
        var marks = session.ReadInt64Row("SELECT application_id, user_version, (SELECT count(*) FROM sqlite_schema) FROM pragma_application_id, pragma_user_version");
        var (applicationId, version, objects) = (marks[0], marks[1], marks[2]);
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

        if (version == 0 && objects != 0)
        {
            throw SqliteStoreErrors.ForeignDatabase(file, "it holds tables but no Quota schema version");
        }

        return version;
    }

    /// <summary>
    /// Brings the file to <see cref="CurrentVersion"/>: creates the schema of a new file, or upgrades an older one, in one
    /// write transaction that re-checks the version first, so racing processes create or upgrade it once.
    /// </summary>
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
            if (version == 0)
            {
                session.ExecuteNonQuery(Current);
            }
            else
            {
                for (var step = version; step < CurrentVersion; step++)
                {
                    session.ExecuteNonQuery(Upgrades[step - 1]);
                }
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

    /// <summary>Replaces a table by a new definition, keeping its rows.</summary>
    private static string Rebuild(string table, string definition, string columns)
        => $"""
            {definition.Replace($"CREATE TABLE {table} (", $"CREATE TABLE {table}_next (", StringComparison.Ordinal)};
            INSERT INTO {table}_next ({columns}) SELECT {columns} FROM {table};
            DROP TABLE {table};
            ALTER TABLE {table}_next RENAME TO {table};

            """;

    /// <summary>Returns one table's <c>CREATE TABLE</c> statement from a schema script, without its semicolon.</summary>
    private static string Table(string script, string table)
    {
        var start = script.IndexOf($"CREATE TABLE {table} (", StringComparison.Ordinal);
        return script[start..script.IndexOf(';', start)];
    }
}
