using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>The <c>KEYS</c> and <c>ARGV</c> of try_add_batch.lua for a batch of conditional adds.</summary>
internal static class RedisConsumeBatch
{
    /// <summary>
    /// Builds the arguments: each distinct counter's key pair once in <c>KEYS</c>; in <c>ARGV</c> the TTL grace, then
    /// the adds in groups that share a counter, meters, limits, "now" and expiry, and within a group in runs of adds
    /// with the same amounts, so a run of any length costs the script one add. Adds are regrouped, which is safe: they
    /// are concurrent calls, so any order is one they could have reached Redis in.
    /// </summary>
    /// <returns>The keys, the arguments, and the runs in the order the script answers them.</returns>
    public static (RedisKey[] Keys, RedisValue[] Args, List<List<RedisPendingConsume>> Runs) Arguments(List<RedisPendingConsume> batch, long graceMilliseconds)
    {
        var numbers = new Dictionary<QuotaCounterKey, int>();
        var counters = new List<RedisKey[]>();
        var groups = new List<(int Counter, List<List<RedisPendingConsume>> Runs)>();
        var length = 1;
        foreach (var consume in batch)
        {
            if (!numbers.TryGetValue(consume.Counter, out var number))
            {
                counters.Add(consume.Keys);
                number = counters.Count;
                numbers.Add(consume.Counter, number);
            }

            var group = groups.Count - 1;
            while (group >= 0 && !(groups[group].Counter == number && SameShape(groups[group].Runs[0][0], consume)))
            {
                group--;
            }

            if (group < 0)
            {
                groups.Add((number, [[consume]]));
                length += 6 + (2 * consume.Deltas.Length) + 1 + consume.Deltas.Length;
                continue;
            }

            var runs = groups[group].Runs;
            var run = runs.Count - 1;
            while (run >= 0 && !SameAmounts(runs[run][0], consume))
            {
                run--;
            }

            if (run < 0)
            {
                runs.Add([consume]);
                length += 1 + consume.Deltas.Length;
            }
            else
            {
                runs[run].Add(consume);
            }
        }

        var keys = new RedisKey[2 * counters.Count];
        for (var i = 0; i < counters.Count; i++)
        {
            keys[2 * i] = counters[i][0];
            keys[(2 * i) + 1] = counters[i][1];
        }

        var args = new RedisValue[length];
        var ordered = new List<List<RedisPendingConsume>>();
        var at = 0;
        args[at++] = graceMilliseconds;
        foreach (var (counter, runs) in groups)
        {
            var first = runs[0][0];
            var deltas = first.Deltas;
            args[at++] = counter;
            args[at++] = deltas.Length;
            args[at++] = first.Now;
            args[at++] = first.ExpiresAt;
            args[at++] = first.Kinds;
            foreach (var delta in deltas)
            {
                args[at++] = RedisText.Of(delta.Meter);
            }

            foreach (var delta in deltas)
            {
                args[at++] = delta.Limit ?? 0;
            }

            args[at++] = runs.Count;
            foreach (var run in runs)
            {
                args[at++] = run.Count;
                foreach (var delta in run[0].Deltas)
                {
                    args[at++] = delta.Amount;
                }

                ordered.Add(run);
            }
        }

        return (keys, args, ordered);
    }

    private static bool SameShape(RedisPendingConsume a, RedisPendingConsume b)
    {
        if (a.Now != b.Now || a.ExpiresAt != b.ExpiresAt || a.Deltas.Length != b.Deltas.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Deltas.Length; i++)
        {
            if (!string.Equals(a.Deltas[i].Meter, b.Deltas[i].Meter, StringComparison.Ordinal) || a.Deltas[i].Limit != b.Deltas[i].Limit)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two adds of one group add the same amounts (their meters are the same, in the same order).</summary>
    private static bool SameAmounts(RedisPendingConsume a, RedisPendingConsume b)
    {
        for (var i = 0; i < a.Deltas.Length; i++)
        {
            if (a.Deltas[i].Amount != b.Deltas[i].Amount)
            {
                return false;
            }
        }

        return true;
    }
}
