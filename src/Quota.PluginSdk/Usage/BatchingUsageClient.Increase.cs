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
        if (!_tables.TryGetValue(table, out var counter))
        {
            counter = _tables.GetOrAdd(table, static name => new TableCounter(name));
        }

        Interlocked.Add(ref counter.Rows, rows);
        Count(rows);
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
            UsageClientLog.AllowanceUsedUp(_logger, _meta.Team, _policy);
        }
    }
}
