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
}
