using System.Runtime.CompilerServices;

namespace Quota.PluginSdk;

internal sealed partial class BatchingUsageClient
{
    public void Increase(uint rows)
    {
        _guard.CheckTotal(rows);
        Count(rows);
    }

    public bool TryIncrease(uint rows)
    {
        _guard.CheckTotal(rows);
        if (Volatile.Read(ref _outOfQuota) != 0)
        {
            return false;
        }

        Count(rows);
        return true;
    }

    public void IncreaseForTable(string table, uint rows)
    {
        _guard.CheckTable(table, rows);
        CountTable(table, rows);
    }

    public bool TryIncreaseForTable(string table, uint rows)
    {
        _guard.CheckTable(table, rows);
        if (Volatile.Read(ref _outOfQuota) != 0)
        {
            return false;
        }

        CountTable(table, rows);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountTable(string table, uint rows)
    {
        Interlocked.Add(ref CounterOf(table).Rows, rows);
        Count(rows);
    }

    /// <summary>
    /// Finds a table's counter. A sync passes the same name string for every message of a table (its schema's name),
    /// so the last few counters are matched by reference first — a few pointer compares instead of hashing the name.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TableCounter CounterOf(string table)
    {
        var recent = _recentTables;
        for (var i = 0; i < recent.Length; i++)
        {
            var counter = Volatile.Read(ref recent[i]);
            if (counter is not null && ReferenceEquals(counter.Name, table))
            {
                return counter;
            }
        }

        return CounterOfSlow(table);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TableCounter CounterOfSlow(string table)
    {
        if (!_tables.TryGetValue(table, out var counter))
        {
            counter = _tables.GetOrAdd(table, static name => new TableCounter(name));
        }

        // A racy round-robin slot is fine: every slot holds some table's complete counter, and a miss only costs a lookup.
        // Unchecked: the slot counter wraps around after 2^31 misses, by design.
        var slot = unchecked((uint)_recentNext++) % (uint)_recentTables.Length;
        Volatile.Write(ref _recentTables[slot], counter);
        return counter;
    }

    /// <summary>The hot path: one atomic add, then two comparisons that are false almost always.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(long rows)
    {
        var pending = Interlocked.Add(ref _pending.Value, rows);
        if (pending >= _batchLimit && Volatile.Read(ref _batchSignalled) == 0)
        {
            SignalFullBatch();
        }

        if (pending >= Volatile.Read(ref _pendingQuota))
        {
            MarkOutOfQuota();
        }
    }

    /// <summary>Wakes the flusher once per full batch: the flag makes every later call a plain read until it looks again.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SignalFullBatch()
    {
        if (Interlocked.Exchange(ref _batchSignalled, 1) == 0)
        {
            _wake.Release();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MarkOutOfQuota()
    {
        if (Volatile.Read(ref _outOfQuota) == 0 && Interlocked.Exchange(ref _outOfQuota, 1) == 0)
        {
            UsageClientLog.AllowanceUsedUp(_logger, _subject, _policy);
        }
    }
}
