using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>
/// The key pair of each recently used counter, so the hot path neither hashes the subject nor builds key names on
/// every call. Each entry holds the <c>KEYS</c> array passed to the scripts as is (StackExchange.Redis only reads it).
/// A cache, not the source of truth: it starts afresh when it grows past its bound.
/// </summary>
internal sealed class RedisCounterKeyCache(RedisQuotaKeys keys, int capacity)
{
    private readonly ConcurrentDictionary<QuotaCounterKey, RedisKey[]> _entries = new();
    private int _count;

    /// <summary>Returns the counter's keys, <c>[counter hash, idempotency set]</c>. The caller must not change the array.</summary>
    public RedisKey[] Get(QuotaCounterKey counter)
    {
        if (_entries.TryGetValue(counter, out var cached))
        {
            return cached;
        }

        var created = keys.CounterKeys(counter);
        if (Interlocked.Increment(ref _count) > capacity)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _count, 0);
        }

        return _entries.GetOrAdd(counter, created);
    }
}
