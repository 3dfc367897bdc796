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

    public static readonly SqlText DeleteCounter = new(7, $"DELETE FROM quota_counters WHERE {Counter}", "$policy", "$subject", "$cycle");

    /// <summary>
    /// The hot path, a whole consume in one statement (so atomic without a transaction): adds to an existing meter of a
    /// live counter whose expiry needs no extension, when the meter has room. Returns no row when any of that is not so.
    /// </summary>
    public static readonly SqlText IncrementLive = new(
        8,
        $"UPDATE quota_meters SET value = value + $amount WHERE {Counter} AND meter = $meter AND value <= $room "
        + $"AND {LiveCounter} AND c.expires_at >= $expires) RETURNING value",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$amount",
        "$room",
        "$now",
        "$expires");

    /// <summary>Adds to a meter of a counter already renewed in this transaction, creating the meter, when it has room.</summary>
    public static readonly SqlText Increment = new(
        9,
        "INSERT INTO quota_meters (policy, subject, cycle_start, meter, value) VALUES ($policy, $subject, $cycle, $meter, $amount) "
        + "ON CONFLICT (policy, subject, cycle_start, meter) DO UPDATE SET value = value + excluded.value WHERE value <= $room RETURNING value",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$amount",
        "$room");

    public static readonly SqlText SelectMeter = new(10, $"SELECT value FROM quota_meters WHERE {Counter} AND meter = $meter", "$policy", "$subject", "$cycle", "$meter");

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

    /// <summary>A holder's live holding of one meter.</summary>
    public static readonly SqlText SelectLeaseHeld = new(
        22,
        $"SELECT held FROM quota_leases WHERE {Counter} AND holder = $holder AND meter = $meter AND expires_at > $now",
        "$policy",
        "$subject",
        "$cycle",
        "$holder",
        "$meter",
        "$now");

    public static readonly SqlText UpsertLease = new(
        23,
        "INSERT INTO quota_leases (policy, subject, cycle_start, holder, meter, held, expires_at) VALUES ($policy, $subject, $cycle, $holder, $meter, $held, $expires) "
        + "ON CONFLICT (policy, subject, cycle_start, holder, meter) DO UPDATE SET held = excluded.held, expires_at = excluded.expires_at",
        "$policy",
        "$subject",
        "$cycle",
        "$holder",
        "$meter",
        "$held",
        "$expires");

    public static readonly SqlText DeleteLease = new(24, $"DELETE FROM quota_leases WHERE {Counter} AND holder = $holder AND meter = $meter", "$policy", "$subject", "$cycle", "$holder", "$meter");

    /// <summary>Sets a meter of a counter renewed in the current transaction, creating the meter.</summary>
    public static readonly SqlText SetMeter = new(
        25,
        "INSERT INTO quota_meters (policy, subject, cycle_start, meter, value) VALUES ($policy, $subject, $cycle, $meter, $value) "
        + "ON CONFLICT (policy, subject, cycle_start, meter) DO UPDATE SET value = excluded.value",
        "$policy",
        "$subject",
        "$cycle",
        "$meter",
        "$value");

    /// <summary>The units live leases hold unspent in a live counter, per meter.</summary>
    public static readonly SqlText SelectHeld = new(
        26,
        $"SELECT meter, sum(held) FROM quota_leases WHERE {Counter} AND expires_at > $now AND {LiveCounter}) GROUP BY meter",
        "$policy",
        "$subject",
        "$cycle",
        "$now");

    /// <summary>Forgets expired leases: their units stay counted as spent.</summary>
    public static readonly SqlText PurgeLeases = new(27, "DELETE FROM quota_leases WHERE expires_at <= $now", "$now");

    /// <summary>The number of statements, i.e. the size of a connection's cache.</summary>
    public const int Count = 28;

    /// <summary>Builds <see cref="IncrementAllLive"/> for <paramref name="meters"/> meters; parameters 5 + 3i to 7 + 3i are meter i's name, amount and room.</summary>
    private static SqlText AllLive(int id, int meters)
    {
        var indexes = Enumerable.Range(0, meters).ToArray();
        var amount = string.Concat(indexes.Select(i => $" WHEN $m{i} THEN $a{i}"));
        var index = string.Concat(indexes.Select(i => $" WHEN $m{i} THEN {i}"));
        var names = string.Join(", ", indexes.Select(i => $"$m{i}"));
        var room = string.Join(" OR ", indexes.Select(i => $"(m.meter = $m{i} AND m.value <= $r{i})"));
        var sql = $"UPDATE quota_meters SET value = value + (CASE meter{amount} END) WHERE {Counter} AND meter IN ({names}) "
            + $"AND (SELECT count(*) FROM quota_meters m WHERE m.policy = $policy AND m.subject = $subject AND m.cycle_start = $cycle AND ({room})) = {meters} "
            + $"AND {LiveCounter} AND c.expires_at >= $expires) RETURNING CASE meter{index} END, value";
        string[] parameters = ["$policy", "$subject", "$cycle", "$now", "$expires", .. indexes.SelectMany(i => new[] { $"$m{i}", $"$a{i}", $"$r{i}" })];
        return new SqlText(id, sql, parameters);
    }

    /// <summary>Deletes the rows of at most <c>$limit</c> expired counters, the same ones in each table within one transaction.</summary>
    private static string Purge(string table)
        => $"DELETE FROM {table} WHERE (policy, subject, cycle_start) IN "
            + "(SELECT policy, subject, cycle_start FROM quota_counters WHERE expires_at <= $now ORDER BY expires_at, policy, subject, cycle_start LIMIT $limit)";
}
