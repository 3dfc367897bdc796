namespace Quota.Stores.Sqlite;

/// <summary>
/// Every statement the store runs. Statements about one counter take <c>$policy</c>, <c>$subject</c> and <c>$cycle</c>
/// as their first three parameters (see <see cref="SqliteStatement.BindCounter"/>). Times are Unix times in 100 ns ticks.
/// </summary>
internal static class SqliteSql
{
    private const string Counter = "policy = $policy AND subject = $subject AND cycle_start = $cycle";
    private const string LiveCounter = "EXISTS (SELECT 1 FROM quota_counters c WHERE c.policy = $policy AND c.subject = $subject AND c.cycle_start = $cycle AND c.expires_at > $now";

    public static readonly SqlText Begin = new(0, "BEGIN IMMEDIATE");

    public static readonly SqlText Commit = new(1, "COMMIT");

    public static readonly SqlText Rollback = new(2, "ROLLBACK");

    public static readonly SqlText SelectExpiry = new(3, $"SELECT expires_at FROM quota_counters WHERE {Counter}", "$policy", "$subject", "$cycle");

    /// <summary>Creates the counter, or extends its expiry (never shortens it).</summary>
    public static readonly SqlText UpsertCounter = new(
        4,
        "INSERT INTO quota_counters (policy, subject, cycle_start, expires_at) VALUES ($policy, $subject, $cycle, $expires) "
        + "ON CONFLICT (policy, subject, cycle_start) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)",
        "$policy",
        "$subject",
        "$cycle",
        "$expires");

    public static readonly SqlText DeleteMeters = new(5, $"DELETE FROM quota_meters WHERE {Counter}", "$policy", "$subject", "$cycle");

    public static readonly SqlText DeleteAppliedIds = new(6, $"DELETE FROM quota_applied_ids WHERE {Counter}", "$policy", "$subject", "$cycle");

    /// <summary>
    /// The hot path, a whole consume in one statement (so atomic without a transaction): adds to an existing meter of a
    /// live counter whose expiry needs no extension, when the meter has room — within <c>$cap</c> (no overflow) and, less
    /// its cycle's grants, within <c>$room</c> (the limit). Returns no row when any of that is not so; else the meter's
    /// value and grants.
    /// </summary>
    public static readonly SqlText IncrementLive = new(
        8,
        $"UPDATE quota_meters SET value = value + $amount WHERE {Counter} AND meter = $meter AND value <= $cap AND value - granted <= $room "
        + $"AND {LiveCounter} AND c.expires_at >= $expires) RETURNING value, granted",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$amount",
        "$cap",
        "$room",
        "$now",
        "$expires");

    /// <summary>Adds to a meter of a counter already renewed in this transaction, creating the meter, when it has room (as <see cref="IncrementLive"/>).</summary>
    public static readonly SqlText Increment = new(
        9,
        "INSERT INTO quota_meters (policy, subject, cycle_start, meter, value) VALUES ($policy, $subject, $cycle, $meter, $amount) "
        + "ON CONFLICT (policy, subject, cycle_start, meter) DO UPDATE SET value = value + excluded.value WHERE value <= $cap AND value - granted <= $room "
        + "RETURNING value, granted",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$amount",
        "$cap",
        "$room");

    public static readonly SqlText SelectMeter = new(10, $"SELECT value, granted FROM quota_meters WHERE {Counter} AND meter = $meter", "$policy", "$subject", "$cycle", "$meter");

    /// <summary>Subtracts from a meter of a live counter, stopping at zero.</summary>
    public static readonly SqlText SubtractLive = new(
        11,
        $"UPDATE quota_meters SET value = max(0, value - $amount) WHERE {Counter} AND meter = $meter AND {LiveCounter}) RETURNING value",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$amount",
        "$now");

    public static readonly SqlText SelectMeters = new(12, $"SELECT meter, value FROM quota_meters WHERE {Counter} AND {LiveCounter})", "$policy", "$subject", "$cycle", "$now");

    public static readonly SqlText InsertAppliedId = new(
        13,
        "INSERT INTO quota_applied_ids (policy, subject, cycle_start, id) VALUES ($policy, $subject, $cycle, $id) ON CONFLICT DO NOTHING",
        "$policy",
        "$subject",
        "$cycle",
        "$id");

    public static readonly SqlText SelectAnchor = new(14, "SELECT anchor FROM quota_anchors WHERE policy = $policy AND subject = $subject", "$policy", "$subject");

    public static readonly SqlText InsertAnchor = new(
        15,
        "INSERT INTO quota_anchors (policy, subject, anchor) VALUES ($policy, $subject, $anchor) ON CONFLICT DO NOTHING",
        "$policy",
        "$subject",
        "$anchor");

    public static readonly SqlText PurgeMeters = new(16, Purge("quota_meters"), "$now", "$limit");

    public static readonly SqlText PurgeAppliedIds = new(17, Purge("quota_applied_ids"), "$now", "$limit");

    public static readonly SqlText PurgeCounters = new(18, Purge("quota_counters"), "$now", "$limit");

    /// <summary>The most meters <see cref="IncrementAllLive"/> handles in one statement; consumes of more take the transactional path.</summary>
    public const int MaxLiveMeters = 4;

    /// <summary>
    /// The multi-meter hot path, a whole consume of 2 to <see cref="MaxLiveMeters"/> meters in one statement (at index
    /// meters - 2): adds to every meter when every meter exists and has room and the counter is live and needs no
    /// renewal, else changes nothing and returns no row. SQL evaluates the whole WHERE clause against the rows as they
    /// were before the statement (SQLite identifies every row first when the clause holds a subquery), so the check
    /// covers all meters before any is changed. Returns each changed meter's delta index and new value.
    /// </summary>
    public static readonly SqlText[] IncrementAllLive = [.. Enumerable.Range(2, MaxLiveMeters - 1).Select(meters => AllLive(17 + meters, meters))];

    public static readonly SqlText DeleteGrants = new(22, $"DELETE FROM quota_grants WHERE {Counter}", "$policy", "$subject", "$cycle");

    public static readonly SqlText DeleteAlerts = new(23, $"DELETE FROM quota_alerts WHERE {Counter}", "$policy", "$subject", "$cycle");

    /// <summary>A reset's first step: deletes the meters that hold no grant.</summary>
    public static readonly SqlText DeleteUngrantedMeters = new(24, $"DELETE FROM quota_meters WHERE {Counter} AND granted = 0", "$policy", "$subject", "$cycle");

    /// <summary>A reset's second step: sets the meters that hold a grant back to zero, keeping the grant.</summary>
    public static readonly SqlText ZeroMeters = new(25, $"UPDATE quota_meters SET value = 0 WHERE {Counter}", "$policy", "$subject", "$cycle");

    /// <summary>A reset's last step: deletes the counter unless grants or fired alerts keep it.</summary>
    public static readonly SqlText DeleteBareCounter = new(
        7,
        $"DELETE FROM quota_counters WHERE {Counter} "
        + "AND NOT EXISTS (SELECT 1 FROM quota_grants g WHERE g.policy = $policy AND g.subject = $subject AND g.cycle_start = $cycle) "
        + "AND NOT EXISTS (SELECT 1 FROM quota_alerts a WHERE a.policy = $policy AND a.subject = $subject AND a.cycle_start = $cycle)",
        "$policy",
        "$subject",
        "$cycle");

    /// <summary>Adds a grant to its meter's total, creating the meter (unused) when absent; returns the new total.</summary>
    public static readonly SqlText AddGrantTotal = new(
        26,
        "INSERT INTO quota_meters (policy, subject, cycle_start, meter, value, granted) VALUES ($policy, $subject, $cycle, $meter, 0, $amount) "
        + "ON CONFLICT (policy, subject, cycle_start, meter) DO UPDATE SET granted = granted + excluded.granted RETURNING granted",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$amount");

    /// <summary>Keeps a grant with its reason, numbered after the counter's earlier grants.</summary>
    public static readonly SqlText InsertGrant = new(
        27,
        "INSERT INTO quota_grants (policy, subject, cycle_start, seq, meter, amount, reason, granted_at) "
        + $"SELECT $policy, $subject, $cycle, coalesce(max(seq), 0) + 1, $meter, $amount, $reason, $at FROM quota_grants WHERE {Counter}",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$amount",
        "$reason",
        "$at");

    public static readonly SqlText SelectGrants = new(28, $"SELECT meter, amount, reason, granted_at FROM quota_grants WHERE {Counter} ORDER BY seq", "$policy", "$subject", "$cycle");

    /// <summary>Marks an alert; changes no row when it was marked before.</summary>
    public static readonly SqlText InsertAlert = new(
        29,
        "INSERT INTO quota_alerts (policy, subject, cycle_start, meter, percent, fired_at) VALUES ($policy, $subject, $cycle, $meter, $percent, $at) ON CONFLICT DO NOTHING",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$percent",
        "$at");

    public static readonly SqlText SelectAlerts = new(30, $"SELECT meter, percent, fired_at FROM quota_alerts WHERE {Counter} ORDER BY fired_at, percent", "$policy", "$subject", "$cycle");

    public static readonly SqlText PurgeGrants = new(31, Purge("quota_grants"), "$now", "$limit");

    public static readonly SqlText PurgeAlerts = new(32, Purge("quota_alerts"), "$now", "$limit");

    /// <summary>
    /// A page of the policy's subjects after <c>$after</c> (<c>''</c> for the first page: no key is empty, and every key is
    /// after it), with their anchors: those with an anchor and those with a live counter, each once, in the order of the
    /// primary keys. Each half is cut to the page size first, so a page reads a page's worth of rows from each index
    /// however far into the listing it is.
    /// </summary>
    public static readonly SqlText ListSubjects = new(
        33,
        "SELECT s.subject, a.anchor FROM ("
        + "SELECT subject FROM (SELECT subject FROM quota_anchors WHERE policy = $policy AND subject > $after ORDER BY subject LIMIT $limit) "
        + "UNION SELECT subject FROM (SELECT DISTINCT subject FROM quota_counters WHERE policy = $policy AND subject > $after AND expires_at > $now ORDER BY subject LIMIT $limit)"
        + ") s LEFT JOIN quota_anchors a ON a.policy = $policy AND a.subject = s.subject ORDER BY s.subject LIMIT $limit",
        "$policy",
        "$after",
        "$now",
        "$limit");

    /// <summary>Opens a read transaction, so the statements of one read see one snapshot of the file.</summary>
    public static readonly SqlText BeginRead = new(34, "BEGIN");

    /// <summary>The number of statements, i.e. the size of a connection's cache.</summary>
    public const int Count = 35;

    /// <summary>
    /// Builds <see cref="IncrementAllLive"/> for <paramref name="meters"/> meters; parameters 5 + 4i to 8 + 4i are meter
    /// i's name, amount, cap and room (as in <see cref="IncrementLive"/>).
    /// </summary>
    private static SqlText AllLive(int id, int meters)
    {
        var indexes = Enumerable.Range(0, meters).ToArray();
        var amount = string.Concat(indexes.Select(i => $" WHEN $m{i} THEN $a{i}"));
        var index = string.Concat(indexes.Select(i => $" WHEN $m{i} THEN {i}"));
        var names = string.Join(", ", indexes.Select(i => $"$m{i}"));
        var room = string.Join(" OR ", indexes.Select(i => $"(m.meter = $m{i} AND m.value <= $c{i} AND m.value - m.granted <= $r{i})"));
        var sql = $"UPDATE quota_meters SET value = value + (CASE meter{amount} END) WHERE {Counter} AND meter IN ({names}) "
            + $"AND (SELECT count(*) FROM quota_meters m WHERE m.policy = $policy AND m.subject = $subject AND m.cycle_start = $cycle AND ({room})) = {meters} "
            + $"AND {LiveCounter} AND c.expires_at >= $expires) RETURNING CASE meter{index} END, value, granted";
        string[] parameters = ["$policy", "$subject", "$cycle", "$now", "$expires", .. indexes.SelectMany(i => new[] { $"$m{i}", $"$a{i}", $"$c{i}", $"$r{i}" })];
        return new SqlText(id, sql, parameters);
    }

    /// <summary>Deletes the rows of at most <c>$limit</c> expired counters, the same ones in each table within one transaction.</summary>
    private static string Purge(string table)
        => $"DELETE FROM {table} WHERE (policy, subject, cycle_start) IN "
            + "(SELECT policy, subject, cycle_start FROM quota_counters WHERE expires_at <= $now ORDER BY expires_at, policy, subject, cycle_start LIMIT $limit)";
}
