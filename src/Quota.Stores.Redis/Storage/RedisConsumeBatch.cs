using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>The <c>KEYS</c> and <c>ARGV</c> of try_add_batch.lua for a batch of conditional adds.</summary>
internal static class RedisConsumeBatch
{
    /// <summary>The status of an add the batch script left for try_add.lua (a value near 2^53).</summary>
    public const int NotHandled = 3;

    /// <summary>
    /// Builds the arguments: each distinct counter's key pair once in <c>KEYS</c>, then the TTL grace and, per add,
    /// its counter's number followed by its try_add.lua arguments.
    /// </summary>
    public static (RedisKey[] Keys, RedisValue[] Args) Arguments(List<RedisPendingConsume> batch, long graceMilliseconds)
    {
        var numbers = new Dictionary<QuotaCounterKey, int>();
        var length = 1;
        foreach (var consume in batch)
        {
            numbers.TryAdd(consume.Counter, numbers.Count + 1);
            length += 1 + consume.Args.Length;
        }

        var keys = new RedisKey[2 * numbers.Count];
        var args = new RedisValue[length];
        args[0] = graceMilliseconds;
        var at = 1;
        foreach (var consume in batch)
        {
            var number = numbers[consume.Counter];
            keys[(2 * number) - 2] = consume.Keys.Keys[0];
            keys[(2 * number) - 1] = consume.Keys.Keys[1];
            args[at++] = number;
            consume.Args.CopyTo(args, at);
            at += consume.Args.Length;
        }

        return (keys, args);
    }
}
