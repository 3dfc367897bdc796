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

    /// <summary>
    /// Sends the add at once when its lane has room in flight, else queues it for the next batch of the lane: one
    /// script for every add that queued while earlier calls were in flight.
    /// </summary>
    private ValueTask<QuotaStoreResult> SubmitAsync(QuotaCounterKey counter, RedisValue[] args, CancellationToken cancellationToken)
    {
        RedisConsumeLane? lane;
        RedisCounterKeys keys;
        try
        {
            keys = _counterKeys.Get(counter);
            lane = Database() is null ? null : LaneOf(keys);
        }
        catch (Exception ex) when (ex is QuotaStoreException or ObjectDisposedException)
        {
            return ValueTask.FromException<QuotaStoreResult>(ex);
        }

        if (lane is null)
        {
            return TryAddCoreAsync(counter, keys.Keys, args, cancellationToken);
        }

        RedisPendingConsume consume;
        lock (lane.Gate)
        {
            if (lane.InFlight < MaxInFlight && lane.Queue.Count == 0)
            {
                lane.InFlight++;
                consume = null!;
            }
            else
            {
                // Watched before it is queued, so no batch can answer it first. A token cancelled already fails it here.
                consume = new RedisPendingConsume(counter, keys, args, Stopwatch.GetTimestamp());
                consume.Watch(cancellationToken);
                lane.Queue.Add(consume);
            }
        }

        if (consume is null)
        {
            return SendAloneAsync(lane, counter, keys.Keys, args, cancellationToken);
        }

        return consume.Result;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<QuotaStoreResult> SendAloneAsync(RedisConsumeLane lane, QuotaCounterKey counter, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        try
        {
            return await TryAddCoreAsync(counter, keys, args, cancellationToken).ConfigureAwait(false);
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
        try
        {
            // The oldest add's caller has waited longest: the batch gets what is left of its OperationTimeout.
            var timeout = Remaining(batch[0]);
            if (batch.Count == 1)
            {
                var single = batch[0];
                reply = (RedisResult[])(await EvaluateAsync(RedisScript.TryAdd, single.Keys.Keys, single.Args, timeout, CancellationToken.None).ConfigureAwait(false))!;
            }
            else
            {
                var (keys, args) = RedisConsumeBatch.Arguments(batch, _graceMilliseconds);
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
        Answer(batch, reply);
    }

    /// <summary>Answers each add of a batch from the script's reply; a reply that cannot be read fails those not answered.</summary>
    private void Answer(List<RedisPendingConsume> batch, RedisResult[] reply)
    {
        var offset = 0;
        foreach (var consume in batch)
        {
            try
            {
                var status = (int)reply[offset];
                var count = consume.MeterCount;
                if (status == RedisConsumeBatch.NotHandled)
                {
                    // A value near 2^53: try_add.lua counts such values exactly.
                    _ = SendAgainAsync(consume);
                }
                else if (status == Overflowed)
                {
                    consume.SetException(TryAddOverflow(consume.Counter, consume.Args, (int)reply[offset + 1]));
                }
                else
                {
                    consume.SetResult(new QuotaStoreResult(status == Applied, (int)reply[offset + 1], Values(reply, offset + 2, count)));
                }

                offset += 2 + count;
            }
            catch (Exception ex) when (ex is InvalidCastException or IndexOutOfRangeException)
            {
                consume.SetException(new QuotaStoreException($"The Redis quota store could not read the reply of script 'try_add_batch' for {batch.Count} adds: {ex.Message}", ex));
            }
        }
    }

    /// <summary>Sends an add the batch script left alone with try_add.lua, on its own. Never throws.</summary>
    private async Task SendAgainAsync(RedisPendingConsume consume)
    {
        try
        {
            var reply = (RedisResult[])(await EvaluateAsync(RedisScript.TryAdd, consume.Keys.Keys, consume.Args, Remaining(consume), CancellationToken.None).ConfigureAwait(false))!;
            var status = (int)reply[0];
            if (status == Overflowed)
            {
                consume.SetException(TryAddOverflow(consume.Counter, consume.Args, (int)reply[1]));
                return;
            }

            consume.SetResult(new QuotaStoreResult(status == Applied, (int)reply[1], Values(reply, 2, consume.MeterCount)));
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
