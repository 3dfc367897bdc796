namespace Quota.Stores.Redis;

/// <summary>
/// Conditional adds whose keys may share one script (all of them on a single server; one cluster slot's on a
/// cluster), queued while earlier calls of the lane are in flight. Guarded by <see cref="Gate"/>.
/// </summary>
internal sealed class RedisConsumeLane
{
    public Lock Gate { get; } = new();

    /// <summary>Gets or sets the adds waiting for a batch, oldest first.</summary>
    public List<RedisPendingConsume> Queue { get; set; } = [];

    /// <summary>Gets or sets how many calls of the lane (single adds or batches) are in flight.</summary>
    public int InFlight { get; set; }

    // A list a sent batch no longer needs, for the lane's next queue: a lone caller's every add, and every batch under
    // load, would otherwise take a new one.
    private List<RedisPendingConsume>? _spare;

    /// <summary>Returns an empty list for the lane's next queue: the one given back last, or a new one of <paramref name="capacity"/>.</summary>
    public List<RedisPendingConsume> NewQueue(int capacity) => Interlocked.Exchange(ref _spare, null) ?? new List<RedisPendingConsume>(capacity);

    /// <summary>Gives back the list of adds taken from the queue once nothing reads it any more; from any thread.</summary>
    public void GiveBack(List<RedisPendingConsume> taken)
    {
        taken.Clear();
        Volatile.Write(ref _spare, taken);
    }
}
