namespace Quota.Stores.Sqlite;

/// <summary>The lease operations (<see cref="IQuotaLeaseStore"/>), each a few prepared statements on one session. Callers own the transaction.</summary>
internal static class SqliteLeases
{
    /// <summary>Applies one meter of a lease call to a counter renewed in the current transaction.</summary>
    /// <returns>The holding, the meter's value and the meter's grant total afterwards.</returns>
    public static (long Held, long Value, long Granted) Apply(SqliteSession session, in QuotaCounterKey counter, string holder, in QuotaLeaseDelta delta, long now, long leaseExpires)
    {
        var held = session[SqliteSql.SelectLeaseHeld].BindCounter(counter).Bind(3, holder).Bind(4, delta.Meter).Bind(5, now).TryReadInt64(out var stored) ? stored : 0;
        SqliteCounters.ReadMeter(session, counter, delta.Meter, out var value, out var granted);

        // Spent units come out of the holding; units beyond it (a meter without a limit, or a holding the store forgot) are added.
        var fromHeld = Math.Min(delta.Spent, held);
        value = checked(value + (delta.Spent - fromHeld));
        var left = held - fromHeld;
        long after;
        if (delta.Held <= left)
        {
            value -= left - delta.Held;
            after = delta.Held;
        }
        else
        {
            var grow = delta.Held - left;
            if (delta.Limit is { } limit)
            {
                // Within the limit plus the cycle's grants, as a consume's room is (see SqliteRoom).
                grow = Math.Min(grow, Math.Max(0, QuotaMeterDelta.PlusGranted(limit, granted) - value));
            }

            value = checked(value + grow);
            after = left + grow;
        }

        SqliteCounters.SetMeter(session, counter, delta.Meter, value);
        if (after > 0)
        {
            session[SqliteSql.UpsertLease].BindCounter(counter).Bind(3, holder).Bind(4, delta.Meter).Bind(5, after).Bind(6, leaseExpires).Execute();
        }
        else if (held > 0)
        {
            session[SqliteSql.DeleteLease].BindCounter(counter).Bind(3, holder).Bind(4, delta.Meter).Execute();
        }

        return (after, value, granted);
    }

    /// <summary>Reads the units live leases hold unspent in a live counter, per meter.</summary>
    public static Dictionary<string, long> ReadHeld(SqliteSession session, in QuotaCounterKey counter, long now)
    {
        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        using var reader = session[SqliteSql.SelectHeld].BindCounter(counter).Bind(3, now).Query();
        while (reader.Read())
        {
            var units = reader.GetInt64(1);
            if (units > 0)
            {
                held[SqliteText.Read(reader, 0)] = units;
            }
        }

        return held;
    }
}
