using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>A counter's keys as the scripts take them, and the cluster slot they share.</summary>
/// <param name="Keys"><c>[counter hash, idempotency set]</c>; passed to StackExchange.Redis as is, never changed.</param>
/// <param name="Slot">The Redis Cluster slot of both keys (their hash tag's); unused on a single server.</param>
internal sealed record RedisCounterKeys(RedisKey[] Keys, int Slot);
