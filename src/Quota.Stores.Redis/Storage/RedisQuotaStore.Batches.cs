using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    /// <summary>The most adds one batch script carries.</summary>
    private const int MaxBatch = 64;

    /// <summary>How many calls (single adds or batches) a lane keeps in flight when its queue holds full batches.</summary>
    private const int MaxInFlight = 4;

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
    /// Gets whether no lane has a call in flight or queued; for tests, since a call's caller is answered before its lane
    /// frees its place.
    /// </summary>
    internal bool IsIdle
    {
        get
        {
            foreach (var lane in _slotLanes.Values.Append(_lane))
            {
                lock (lane.Gate)
                {
                    if (lane.InFlight != 0 || lane.Queue.Count != 0)
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Sends the add at once when nothing of its lane is in flight, else queues it for the next batch of the lane: one
    /// script for every add that queued while an earlier call was in flight, sent when that call finishes. A queue
    /// that fills a batch is sent at once while fewer than <see cref="MaxInFlight"/> calls are in flight, so heavy load
    /// or a long round trip still keeps several batches on the wire. The caller's token answers the caller whenever it
    /// is cancelled; an add still queued then is never sent.
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

        // Watched before it is sent or queued, so nothing can answer it first. A token cancelled already fails it here.
        consume.Watch(cancellationToken);
        var result = consume.Result;
        if (lane is null)
        {
            _ = SendAloneAsync(consume, lane: null);
            return result;
        }

        List<RedisPendingConsume>? full = null;
        lock (lane.Gate)
        {
            if (lane.InFlight == 0 && lane.Queue.Count == 0)
            {
                lane.InFlight++;
            }
            else
            {
                lane.Queue.Add(consume);
                if (lane.Queue.Count < MaxBatch || lane.InFlight >= MaxInFlight)
                {
                    return result;
                }

                full = TakeBatch(lane);
                lane.InFlight++;
            }
        }

        if (full is null)
        {
            _ = SendAloneAsync(consume, lane);
        }
        else if (Claim(full) is { Count: > 0 } claimed)
        {
            Send(lane, claimed);
        }
        else
        {
            lane.GiveBack(full);
            Release(lane);
        }

        return result;
    }

    /// <summary>
    /// The lane of a counter: one for everything on a single server, one per slot on a cluster (a script's keys must
    /// share a slot there), none (every add sent alone) behind anything else, e.g. a proxy.
    /// </summary>
    private RedisConsumeLane? LaneOf(RedisKey[] keys)
    {
        var topology = Volatile.Read(ref _topology);
        if (topology == TopologyUnknown)
        {
            topology = DetectTopology();
        }

        return topology switch
        {
            TopologySingle => _lane,
            TopologyCluster => _slotLanes.GetOrAdd(_connection!.HashSlot(keys[0]), static _ => new RedisConsumeLane()),
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

                queued = TakeBatch(lane);
            }

            if (Claim(queued) is { Count: > 0 } batch)
            {
                Send(lane, batch);
                return;
            }

            lane.GiveBack(queued);
        }
    }

    /// <summary>Takes the oldest adds of the lane's queue, at most a batch of them. Called under the lane's gate.</summary>
    private static List<RedisPendingConsume> TakeBatch(RedisConsumeLane lane)
    {
        var queued = lane.Queue;
        if (queued.Count <= MaxBatch)
        {
            // A list given back, or one sized like the batch just taken, which the next one tends to match.
            lane.Queue = lane.NewQueue(Math.Max(4, queued.Count));
        }
        else
        {
            lane.Queue = queued.GetRange(MaxBatch, queued.Count - MaxBatch);
            queued.RemoveRange(MaxBatch, queued.Count - MaxBatch);
        }

        return queued;
    }

    /// <summary>Sends claimed adds with the place in flight of their lane they were taken with: one alone, more as a batch.</summary>
    private void Send(RedisConsumeLane lane, List<RedisPendingConsume> batch)
    {
        if (batch.Count == 1)
        {
            // Typical of a single caller, whose next add queues while its lane still holds the place of the last one.
            var consume = batch[0];
            lane.GiveBack(batch);
            _ = SendAloneAsync(consume, lane, claimed: true);
        }
        else
        {
            _ = SendBatchAsync(lane, batch);
        }
    }

    /// <summary>Keeps the adds whose callers still wait; one whose token was cancelled meanwhile is dropped, never sent.</summary>
    private static List<RedisPendingConsume> Claim(List<RedisPendingConsume> queued)
    {
        var kept = 0;
        for (var i = 0; i < queued.Count; i++)
        {
            if (queued[i].TryClaim())
            {
                queued[kept++] = queued[i];
            }
        }

        queued.RemoveRange(kept, queued.Count - kept);
        return queued;
    }

    /// <summary>Sends claimed adds as one script, answers each caller, then frees the lane's place. Never throws.</summary>
    /// <remarks>
    /// The callers are answered before the lane's place is freed: their next adds then queue (the lane is still full)
    /// and go together in the batch sent when a place frees, instead of the first of them going alone.
    /// </remarks>
    private async Task SendBatchAsync(RedisConsumeLane lane, List<RedisPendingConsume> batch)
    {
        List<List<RedisPendingConsume>> runs;
        RedisResult[] reply;
        try
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _batchedAdds, batch.Count);

            // Not bounded here: each caller is answered by its own token at its deadline, and the batch is bounded by
            // the client's own timeout. The script answers per run of adds, in the order it was given them.
            (var keys, var args, runs) = RedisConsumeBatch.Arguments(batch, _graceMilliseconds);
            reply = (RedisResult[])(await EvaluateAsync(RedisScript.TryAddBatch, keys, args, CancellationToken.None).ConfigureAwait(false))!;
        }
        catch (Exception ex)
        {
            foreach (var consume in batch)
            {
                consume.SetException(ex);
            }

            lane.GiveBack(batch);
            Release(lane);
            return;
        }

        // The runs hold the adds from here on.
        var adds = batch.Count;
        lane.GiveBack(batch);
        AnswerBatch(lane, adds, runs, reply);
    }

    /// <summary>
    /// Answers a run of equal adds from its part of try_add_batch.lua's reply: how many were applied (-1: none
    /// handled), the index of the meter that refused the rest, and the values before the run. A reply that cannot be
    /// read fails the run's adds.
    /// </summary>
    private void AnswerRun(List<RedisPendingConsume> run, RedisResult[] reply, int offset)
    {
        var deltas = run[0].Deltas;
        long[] before;
        int applied, refusedIndex;
        try
        {
            applied = (int)reply[offset];
            refusedIndex = (int)reply[offset + 1];
            before = new long[deltas.Length];
            for (var i = 0; i < before.Length; i++)
            {
                before[i] = (long)reply[offset + 2 + i];
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or IndexOutOfRangeException)
        {
            var failure = new QuotaStoreException($"The Redis quota store could not read a reply of Redis to a batch of conditional adds: {ex.Message}", ex);
            foreach (var consume in run)
            {
                consume.SetException(failure);
            }

            return;
        }

        for (var j = 0; j < run.Count; j++)
        {
            if (applied < 0)
            {
                // A value near 2^53: try_add.lua counts such values exactly.
                _ = SendAloneAsync(run[j], lane: null, claimed: true);
                continue;
            }

            // The jth add (from 0) of the run leaves every meter at its value before the run + (j + 1) * amount; each
            // refused add sees the values after the applied ones. Exact: the script handles values below 2^53 only.
            var steps = j < applied ? j + 1 : applied;
            run[j].SetResult(new QuotaStoreResult(j < applied, j < applied ? -1 : refusedIndex, ValuesAfter(before, deltas, steps)));
        }
    }

    private static QuotaCounterValues ValuesAfter(long[] before, QuotaMeterDelta[] deltas, int steps)
    {
        if (deltas.Length == 1)
        {
            return new QuotaCounterValues(before[0] + (steps * deltas[0].Amount));
        }

        var values = new long[deltas.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = before[i] + (steps * deltas[i].Amount);
        }

        return new QuotaCounterValues(values);
    }

    /// <summary>Answers an add from try_add.lua's reply: status, index, values. A reply that cannot be read fails the add.</summary>
    private void Answer(RedisPendingConsume consume, RedisResult[] reply)
    {
        try
        {
            var status = (int)reply[0];
            var index = (int)reply[1];
            if (status == Overflowed)
            {
                consume.SetException(Overflow(consume.Counter, consume.Deltas[index]));
            }
            else
            {
                // The counter's grant totals follow its values when it holds grants (see try_add.lua).
                var count = consume.Deltas.Length;
                consume.SetResult(reply.Length >= 2 + (2 * count)
                    ? new QuotaStoreResult(status == Applied, index, Values(reply, 2, count), Values(reply, 2 + count, count))
                    : new QuotaStoreResult(status == Applied, index, Values(reply, 2, count)));
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or IndexOutOfRangeException)
        {
            consume.SetException(new QuotaStoreException($"The Redis quota store could not read a reply of Redis to a conditional add: {ex.Message}", ex));
        }
    }

    /// <summary>
    /// Sends an add alone with try_add.lua, answers it, and frees the place it held in flight of its lane (if any): a
    /// lone add, the only add of a batch, or one the batch script left alone. An add whose caller has given up before
    /// it is sent is not sent. Never throws.
    /// </summary>
    private async Task SendAloneAsync(RedisPendingConsume consume, RedisConsumeLane? lane, bool claimed = false)
    {
        try
        {
            if (claimed || consume.TryClaim())
            {
                var reply = (RedisResult[])(await EvaluateAsync(RedisScript.TryAdd, consume.Keys, TryAddArguments(consume), CancellationToken.None).ConfigureAwait(false))!;
                Answer(consume, reply);
            }
        }
        catch (Exception ex)
        {
            consume.SetException(ex);
        }
        finally
        {
            if (lane is not null)
            {
                Release(lane);
            }
        }
    }
}
