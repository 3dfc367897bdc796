using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    /// <summary>The most adds one batch script carries.</summary>
    private const int MaxBatch = 64;

    /// <summary>How many calls (single adds or batches) a lane keeps in flight before adds queue up.</summary>
    private const int MaxInFlight = 2;

    private const int TopologyUnknown = 0;
    private const int TopologySingle = 1;
    private const int TopologyCluster = 2;
    private const int TopologyOther = 3;

    private readonly RedisConsumeLane _lane = new();
    private readonly ConcurrentDictionary<int, RedisConsumeLane> _slotLanes = new();
    private int _topology;
    private long _batches;
    private long _batchedAdds;

    /// <summary>Gets how many batch scripts (of two adds or more) the store has sent; for tests and diagnostics.</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    /// <summary>Gets how many adds went in batch scripts.</summary>
    internal long BatchedAdds => Interlocked.Read(ref _batchedAdds);

    /// <summary>
    /// Sends the add at once when its lane has room in flight, else queues it for the next batch of the lane: one
    /// script for every add that queued while earlier calls were in flight.
    /// </summary>
    private ValueTask<QuotaStoreResult> SubmitAsync(RedisPendingConsume consume, CancellationToken cancellationToken)
    {
        RedisConsumeLane? lane;
        try
        {
            lane = Database() is null ? null : LaneOf(consume.Keys);
        }
        catch (Exception ex) when (ex is QuotaStoreException or ObjectDisposedException)
        {
            return ValueTask.FromException<QuotaStoreResult>(ex);
        }

        if (lane is null)
        {
            return TryAddCoreAsync(consume, cancellationToken);
        }

        lock (lane.Gate)
        {
            if (lane.InFlight < MaxInFlight && lane.Queue.Count == 0)
            {
                lane.InFlight++;
            }
            else
            {
                // Watched before it is queued, so no batch can answer it first. A token cancelled already fails it here.
                consume.QueuedAt = Stopwatch.GetTimestamp();
                consume.Watch(cancellationToken);
                lane.Queue.Add(consume);
                return consume.Result;
            }
        }

        return SendAloneAsync(lane, consume, cancellationToken);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<QuotaStoreResult> SendAloneAsync(RedisConsumeLane lane, RedisPendingConsume consume, CancellationToken cancellationToken)
    {
        try
        {
            return await TryAddCoreAsync(consume, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Release(lane);
        }
    }

    /// <summary>
    /// The lane of a counter: one for everything on a single server, one per slot on a cluster (a script's keys must
    /// share a slot there), none (every add sent alone) behind anything else, e.g. a proxy.
    /// </summary>
    private RedisConsumeLane? LaneOf(RedisCounterKeys keys)
    {
        var topology = Volatile.Read(ref _topology);
        if (topology == TopologyUnknown)
        {
            topology = DetectTopology();
        }

        return topology switch
        {
            TopologySingle => _lane,
            TopologyCluster => _slotLanes.GetOrAdd(keys.Slot, static _ => new RedisConsumeLane()),
            _ => null,
        };
    }

    private int DetectTopology()
    {
        var connection = _connection!;
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (server.IsConnected)
            {
                var topology = server.ServerType switch
                {
                    ServerType.Standalone => TopologySingle,
                    ServerType.Cluster => TopologyCluster,
                    _ => TopologyOther,
                };
                Volatile.Write(ref _topology, topology);
                return topology;
            }
        }

        return TopologyOther;
    }

    /// <summary>Frees the lane's place of a call that finished, and sends what queued meanwhile as the next batch.</summary>
    private void Release(RedisConsumeLane lane)
    {
        while (true)
        {
            List<RedisPendingConsume> queued;
            lock (lane.Gate)
            {
                if (lane.Queue.Count == 0)
                {
                    lane.InFlight--;
                    return;
                }

                queued = lane.Queue;
                if (queued.Count <= MaxBatch)
                {
                    lane.Queue = [];
                }
                else
                {
                    lane.Queue = queued.GetRange(MaxBatch, queued.Count - MaxBatch);
                    queued.RemoveRange(MaxBatch, queued.Count - MaxBatch);
                }
            }

            var batch = Claim(queued);
            if (batch.Count > 0)
            {
                _ = SendBatchAsync(lane, batch);
                return;
            }
        }
    }

    /// <summary>Keeps the adds whose callers still wait and whose time is not up; fails those whose time is up.</summary>
    private List<RedisPendingConsume> Claim(List<RedisPendingConsume> queued)
    {
        var kept = 0;
        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < queued.Count; i++)
        {
            var consume = queued[i];
            if (!consume.TryClaim())
            {
                continue;
            }

            if (Stopwatch.GetElapsedTime(consume.QueuedAt, now) >= _timeout)
            {
                consume.SetException(new TimeoutException($"A conditional add waited {_timeout.TotalMilliseconds:0} ms (the store's OperationTimeout) behind earlier calls to Redis and was not sent; nothing was added."));
                continue;
            }

            queued[kept++] = consume;
        }

        queued.RemoveRange(kept, queued.Count - kept);
        return queued;
    }

    /// <summary>Sends claimed adds as one script, frees the lane's place, then answers each caller. Never throws.</summary>
    private async Task SendBatchAsync(RedisConsumeLane lane, List<RedisPendingConsume> batch)
    {
        RedisResult[] reply;
        var single = batch.Count == 1;
        try
        {
            // The oldest add's caller has waited longest: the batch gets what is left of its OperationTimeout.
            var timeout = Remaining(batch[0]);
            if (single)
            {
                reply = (RedisResult[])(await EvaluateAsync(RedisScript.TryAdd, batch[0].Keys.Keys, TryAddArguments(batch[0]), timeout, CancellationToken.None).ConfigureAwait(false))!;
            }
            else
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _batchedAdds, batch.Count);

                // The script answers in the order it was given the adds: grouped by counter and shape.
                (var keys, var args, batch) = RedisConsumeBatch.Arguments(batch, _graceMilliseconds);
                reply = (RedisResult[])(await EvaluateAsync(RedisScript.TryAddBatch, keys, args, timeout, CancellationToken.None).ConfigureAwait(false))!;
            }
        }
        catch (Exception ex)
        {
            Release(lane);
            foreach (var consume in batch)
            {
                consume.SetException(ex);
            }

            return;
        }

        Release(lane);
        if (single)
        {
            Answer(batch[0], reply, 0, combined: false);
            return;
        }

        var offset = 0;
        foreach (var consume in batch)
        {
            Answer(consume, reply, offset, combined: true);
            offset += 1 + consume.Deltas.Length;
        }
    }

    /// <summary>
    /// Answers an add from its part of a reply: try_add.lua's status, index, values; or, <paramref name="combined"/>,
    /// try_add_batch.lua's status + 4 * (index + 1), values. A reply that cannot be read fails the add.
    /// </summary>
    private void Answer(RedisPendingConsume consume, RedisResult[] reply, int offset, bool combined)
    {
        try
        {
            var code = (int)reply[offset];
            var (status, index, values) = combined ? (code & 3, (code >> 2) - 1, offset + 1) : (code, (int)reply[offset + 1], offset + 2);
            if (status == RedisConsumeBatch.NotHandled)
            {
                // A value near 2^53: try_add.lua counts such values exactly.
                _ = SendAgainAsync(consume);
            }
            else if (status == Overflowed)
            {
                consume.SetException(Overflow(consume.Counter, consume.Deltas[index]));
            }
            else
            {
                consume.SetResult(new QuotaStoreResult(status == Applied, index, Values(reply, values, consume.Deltas.Length)));
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or IndexOutOfRangeException)
        {
            consume.SetException(new QuotaStoreException($"The Redis quota store could not read a reply of Redis to a conditional add: {ex.Message}", ex));
        }
    }

    /// <summary>Sends an add the batch script left alone with try_add.lua, on its own. Never throws.</summary>
    private async Task SendAgainAsync(RedisPendingConsume consume)
    {
        try
        {
            var reply = (RedisResult[])(await EvaluateAsync(RedisScript.TryAdd, consume.Keys.Keys, TryAddArguments(consume), Remaining(consume), CancellationToken.None).ConfigureAwait(false))!;
            Answer(consume, reply, 0, combined: false);
        }
        catch (Exception ex)
        {
            consume.SetException(ex);
        }
    }

    /// <summary>What is left of an add's OperationTimeout since it was queued; at least a millisecond.</summary>
    private TimeSpan Remaining(RedisPendingConsume consume)
    {
        var left = _timeout - Stopwatch.GetElapsedTime(consume.QueuedAt);
        return left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1);
    }
}
