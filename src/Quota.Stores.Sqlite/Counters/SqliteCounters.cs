using System.Collections.ObjectModel;

namespace Quota.Stores.Sqlite;

/// <summary>The counter operations, each a few prepared statements on one session. Callers own the transaction.</summary>
internal static class SqliteCounters
{
    /// <summary>
    /// The one-statement consume: adds to an existing meter of a live counter whose expiry needs no extension, when the
    /// meter has room. <see langword="false"/> when any of that is not so; the caller then takes the transactional path.
    /// </summary>
    public static bool TryIncrementLive(SqliteSession session, in QuotaCounterKey counter, in QuotaMeterDelta delta, long room, long now, long expires, out long value)
        => session[SqliteSql.IncrementLive]
            .BindCounter(counter)
            .Bind(3, delta.Meter)
            .Bind(4, delta.Amount)
            .Bind(5, room)
            .Bind(6, now)
            .Bind(7, expires)
            .TryReadInt64(out value);

    /// <summary>
    /// The one-statement consume of 2 to <see cref="SqliteSql.MaxLiveMeters"/> meters, all or nothing: <see langword="false"/>
    /// (nothing changed) unless every meter exists with room in a live counter that needs no renewal.
    /// </summary>
    public static bool TryIncrementAllLive(SqliteSession session, in QuotaCounterKey counter, ReadOnlySpan<QuotaMeterDelta> deltas, bool limited, long now, long expires, long[] values)
    {
        var statement = session[SqliteSql.IncrementAllLive[deltas.Length - 2]].BindCounter(counter).Bind(3, now).Bind(4, expires);
        for (var i = 0; i < deltas.Length; i++)
        {
            statement.Bind(5 + (3 * i), deltas[i].Meter).Bind(6 + (3 * i), deltas[i].Amount).Bind(7 + (3 * i), Room(deltas[i], limited));
        }

        using var reader = statement.Query();
        var changed = 0;
        while (reader.Read())
        {
            values[reader.GetInt32(0)] = reader.GetInt64(1);
            changed++;
        }

        return changed == deltas.Length;
    }

    /// <summary>
    /// The largest usage a delta may be added to: within the limit (<see cref="QuotaMeterDelta.Fits(long)"/>) when limits
    /// apply, and always without passing <see cref="long.MaxValue"/> (SQLite would silently turn the sum into a float).
    /// </summary>
    public static long Room(in QuotaMeterDelta delta, bool limited)
    {
        var room = long.MaxValue - delta.Amount;
        if (limited && delta.Limit is { } limit)
        {
            room = Math.Min(room, limit - Math.Max(delta.Amount, 1));
        }

        return room;
    }

    /// <summary>Adds to a meter of a counter renewed in the current transaction, creating the meter, when it has room.</summary>
    public static bool TryIncrement(SqliteSession session, in QuotaCounterKey counter, in QuotaMeterDelta delta, long room, out long value)
    {
        if (room < 0)
        {
            // Not even an empty meter has room (a zero limit, or an amount above the limit).
            value = 0;
            return false;
        }

        return session[SqliteSql.Increment]
            .BindCounter(counter)
            .Bind(3, delta.Meter)
            .Bind(4, delta.Amount)
            .Bind(5, room)
            .TryReadInt64(out value);
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

    /// <summary>Returns a meter's stored value, or 0 when the meter is absent.</summary>
    public static long ReadMeter(SqliteSession session, in QuotaCounterKey counter, string meter)
        => session[SqliteSql.SelectMeter].BindCounter(counter).Bind(3, meter).TryReadInt64(out var value) ? value : 0;

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

    /// <summary>Deletes the counter with its meters and idempotency ids.</summary>
    public static void Delete(SqliteSession session, in QuotaCounterKey counter)
    {
        Empty(session, counter);
        session[SqliteSql.DeleteCounter].BindCounter(counter).Execute();
    }

    /// <summary>Deletes up to <paramref name="limit"/> expired counters with their meters and idempotency ids.</summary>
    /// <returns>The number of counters deleted.</returns>
    public static int PurgeExpired(SqliteSession session, long now, int limit)
    {
        session[SqliteSql.PurgeMeters].Bind(0, now).Bind(1, limit).Execute();
        session[SqliteSql.PurgeAppliedIds].Bind(0, now).Bind(1, limit).Execute();
        return session[SqliteSql.PurgeCounters].Bind(0, now).Bind(1, limit).Execute();
    }

    private static void Empty(SqliteSession session, in QuotaCounterKey counter)
    {
        session[SqliteSql.DeleteMeters].BindCounter(counter).Execute();
        session[SqliteSql.DeleteAppliedIds].BindCounter(counter).Execute();
    }
}
