using System.Collections.Concurrent;

namespace Quota.Stores.Redis;

/// <summary>
/// The subjects this process has already added to their policy's listing index, so each is added once per process
/// rather than on every write. A cache, not the source of truth: it starts afresh when it grows past its bound, and a
/// subject whose add failed is not in it, so its next write tries again.
/// </summary>
internal sealed class RedisSubjectIndex(int capacity)
{
    private readonly ConcurrentDictionary<(string Policy, string Key), bool> _indexed = new();
    private int _count;

    public bool Contains(string policy, string key) => _indexed.ContainsKey((policy, key));

    public void Add(string policy, string key)
    {
        if (Interlocked.Increment(ref _count) > capacity)
        {
            _indexed.Clear();
            Interlocked.Exchange(ref _count, 0);
        }

        _indexed.TryAdd((policy, key), true);
    }
}
