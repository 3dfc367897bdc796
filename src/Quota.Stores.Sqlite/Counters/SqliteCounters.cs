using System.Collections.ObjectModel;

namespace Quota.Stores.Sqlite;

/// <summary>The counter operations, each a few prepared statements on one session. Callers own the transaction.</summary>
internal static class SqliteCounters
{
    /// <summary>
    /// The one-statement consume: adds to an existing meter of a live counter whose expiry needs no extension, when the
    /// meter has room. <see langword="false"/> when any of that is not so; the caller then takes the transactional path.
    /// </summary>
    public static bool TryIncrementLive(SqliteSession session, in QuotaCounterKey counter, in QuotaMeterDelta delta, SqliteRoom room, long now, long expires, out long value, out long granted)
        => session[SqliteSql.IncrementLive]
            .BindCounter(counter)
            .Bind(3, delta.Meter)
            .Bind(4, delta.Amount)
            .Bind(5, room.Cap)
            .Bind(6, room.Limit)
            .Bind(7, now)
            .Bind(8, expires)
            .TryReadInt64Pair(out value, out granted);

    /// <summary>
    /// The one-statement consume of 2 to <see cref="SqliteSql.MaxLiveMeters"/> meters, all or nothing: <see langword="false"/>
    /// (nothing changed) unless every meter exists with room in a live counter that needs no renewal.
    /// </summary>
    public static bool TryIncrementAllLive(SqliteSession session, in QuotaCounterKey counter, ReadOnlySpan<QuotaMeterDelta> deltas, bool limited, long now, long expires, long[] values, long[] granted)
    {
        var statement = session[SqliteSql.IncrementAllLive[deltas.Length - 2]].BindCounter(counter).Bind(3, now).Bind(4, expires);
        for (var i = 0; i < deltas.Length; i++)
        {
            var room = SqliteRoom.Of(deltas[i], limited);
            statement.Bind(5 + (4 * i), deltas[i].Meter).Bind(6 + (4 * i), deltas[i].Amount).Bind(7 + (4 * i), room.Cap).Bind(8 + (4 * i), room.Limit);
        }

        using var reader = statement.Query();
        var changed = 0;
        while (reader.Read())
        {
            var index = reader.GetInt32(0);
            values[index] = reader.GetInt64(1);
            granted[index] = reader.GetInt64(2);
            changed++;
        }

        return changed == deltas.Length;
    }

    /// <summary>Adds to a meter of a counter renewed in the current transaction, creating the meter, when it has room.</summary>
    public static bool TryIncrement(SqliteSession session, in QuotaCounterKey counter, in QuotaMeterDelta delta, SqliteRoom room, out long value, out long granted)
    {
        // Not even an empty meter has room (a zero limit, or an amount above the limit): only its grants can make some.
        if (room.Limit < 0 && !ReadMeter(session, counter, delta.Meter, out _, out _))
        {
            value = granted = 0;
            return false;
        }

        return session[SqliteSql.Increment]
            .BindCounter(counter)
            .Bind(3, delta.Meter)
            .Bind(4, delta.Amount)
            .Bind(5, room.Cap)
            .Bind(6, room.Limit)
            .TryReadInt64Pair(out value, out granted);
    }

    /// <summary>
    /// Makes the counter live for this write (inside the caller's transaction): creates it, extends its expiry, or — when
    /// it had expired — empties it first, so that the add starts from zero.
    /// </summary>
    public static void Renew(SqliteSession session, in QuotaCounterKey counter, long now, long expires)
    {
        if (session[SqliteSql.SelectExpiry].BindCounter(counter).TryReadInt64(out var stored))
        {
            if (stored <= now)
            {
                Empty(session, counter);
            }
            else if (expires <= stored)
            {
                return;
            }
        }

        session[SqliteSql.UpsertCounter].BindCounter(counter).Bind(3, expires).Execute();
    }

    /// <summary>Reads a meter's stored value and grants; <see langword="false"/> (both 0) when the meter is absent.</summary>
    public static bool ReadMeter(SqliteSession session, in QuotaCounterKey counter, string meter, out long value, out long granted)
        => session[SqliteSql.SelectMeter].BindCounter(counter).Bind(3, meter).TryReadInt64Pair(out value, out granted);

    /// <summary>Records an idempotency id for the counter; <see langword="false"/> when it was recorded before.</summary>
    public static bool TryRecordId(SqliteSession session, in QuotaCounterKey counter, string idempotencyId)
        => session[SqliteSql.InsertAppliedId].BindCounter(counter).Bind(3, idempotencyId).Execute() == 1;

    /// <summary>Subtracts from a meter of a live counter, stopping at zero; 0 when the counter or meter is absent or expired.</summary>
    public static long SubtractLive(SqliteSession session, in QuotaCounterKey counter, in QuotaMeterDelta delta, long now)
        => session[SqliteSql.SubtractLive]
            .BindCounter(counter)
            .Bind(3, delta.Meter)
            .Bind(4, delta.Amount)
            .Bind(5, now)
            .TryReadInt64(out var value) ? value : 0;

    /// <summary>Reads every meter of a live counter in one statement (one consistent snapshot).</summary>
    public static IReadOnlyDictionary<string, long> ReadLive(SqliteSession session, in QuotaCounterKey counter, long now)
    {
        using var reader = session[SqliteSql.SelectMeters].BindCounter(counter).Bind(3, now).Query();
        if (!reader.Read())
        {
            return ReadOnlyDictionary<string, long>.Empty;
        }

        var meters = new Dictionary<string, long>(StringComparer.Ordinal);
        do
        {
            meters[SqliteText.Read(reader, 0)] = reader.GetInt64(1);
        }
        while (reader.Read());

        return meters;
    }

    /// <summary>
    /// Empties the counter (inside the caller's transaction): its meters read zero and its idempotency ids go, while its
    /// grants and fired alerts stay (and with them the counter and the meters that hold a grant).
    /// </summary>
    public static void Reset(SqliteSession session, in QuotaCounterKey counter)
    {
        session[SqliteSql.DeleteUngrantedMeters].BindCounter(counter).Execute();
        session[SqliteSql.ZeroMeters].BindCounter(counter).Execute();
        session[SqliteSql.DeleteAppliedIds].BindCounter(counter).Execute();
        session[SqliteSql.DeleteBareCounter].BindCounter(counter).Execute();
    }

    /// <summary>Deletes up to <paramref name="limit"/> expired counters with their meters, idempotency ids, grants and alert marks.</summary>
    /// <returns>The number of counters deleted.</returns>
    public static int PurgeExpired(SqliteSession session, long now, int limit)
    {
        session[SqliteSql.PurgeMeters].Bind(0, now).Bind(1, limit).Execute();
        session[SqliteSql.PurgeAppliedIds].Bind(0, now).Bind(1, limit).Execute();
        session[SqliteSql.PurgeGrants].Bind(0, now).Bind(1, limit).Execute();
        session[SqliteSql.PurgeAlerts].Bind(0, now).Bind(1, limit).Execute();
        return session[SqliteSql.PurgeCounters].Bind(0, now).Bind(1, limit).Execute();
    }

    /// <summary>Deletes every row an expired counter left: meters, idempotency ids, grants and alert marks.</summary>
    private static void Empty(SqliteSession session, in QuotaCounterKey counter)
    {
        session[SqliteSql.DeleteMeters].BindCounter(counter).Execute();
        session[SqliteSql.DeleteAppliedIds].BindCounter(counter).Execute();
        session[SqliteSql.DeleteGrants].BindCounter(counter).Execute();
        session[SqliteSql.DeleteAlerts].BindCounter(counter).Execute();
    }

    /// <summary>Adds a grant (inside the caller's transaction, after <see cref="Renew"/>): its meter's total and its record.</summary>
    /// <returns>The meter's total grants afterwards.</returns>
    public static long AddGrant(SqliteSession session, in QuotaCounterKey counter, QuotaGrant grant)
    {
        session[SqliteSql.AddGrantTotal].BindCounter(counter).Bind(3, grant.Meter).Bind(4, grant.Amount).TryReadInt64(out var total);
        session[SqliteSql.InsertGrant].BindCounter(counter).Bind(3, grant.Meter).Bind(4, grant.Amount).Bind(5, grant.Reason).Bind(6, grant.GrantedAt.ToUnixTimeTicks()).Execute();
        return total;
    }

    /// <summary>Marks an alert (inside the caller's transaction); <see langword="false"/> when it was marked before.</summary>
    public static bool TryMarkAlert(SqliteSession session, in QuotaCounterKey counter, QuotaAlertMark alert)
        => session[SqliteSql.InsertAlert].BindCounter(counter).Bind(3, alert.Meter).Bind(4, alert.Percent).Bind(5, alert.FiredAt.ToUnixTimeTicks()).Execute() == 1;

    /// <summary>Reads everything a live counter holds; an empty snapshot when it is absent or expired. Call inside a read transaction.</summary>
    public static QuotaCounterSnapshot ReadSnapshot(SqliteSession session, in QuotaCounterKey counter, long now)
    {
        if (!session[SqliteSql.SelectExpiry].BindCounter(counter).TryReadInt64(out var expires) || expires <= now)
        {
            return QuotaCounterSnapshot.Empty(counter);
        }

        var meters = ReadLive(session, counter, now);
        var grants = new List<QuotaGrant>();
        using (var reader = session[SqliteSql.SelectGrants].BindCounter(counter).Query())
        {
            while (reader.Read())
            {
                grants.Add(new QuotaGrant(SqliteText.Read(reader, 0), reader.GetInt64(1), SqliteText.Read(reader, 2), NodaTime.Instant.FromUnixTimeTicks(reader.GetInt64(3))));
            }
        }

        var alerts = new List<QuotaAlertMark>();
        using (var reader = session[SqliteSql.SelectAlerts].BindCounter(counter).Query())
        {
            while (reader.Read())
            {
                alerts.Add(new QuotaAlertMark(SqliteText.Read(reader, 0), reader.GetInt32(1), NodaTime.Instant.FromUnixTimeTicks(reader.GetInt64(2))));
            }
        }

        return new QuotaCounterSnapshot(counter, meters, grants, alerts);
    }
}
