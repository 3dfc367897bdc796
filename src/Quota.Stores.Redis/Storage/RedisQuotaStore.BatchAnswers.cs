using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    /// <summary>The fewest adds worth a part of their own when a batch's answers are split (each part is a thread pool hop).</summary>
    private const int AddsPerAnswerPart = 8;

    /// <summary>How many parts a batch's answers are split into at most: one per core.</summary>
    private static readonly int AnswerParts = Environment.ProcessorCount;

    /// <summary>
    /// Answers the callers of a batch from its reply, then frees the lane's place. Answering a caller runs its
    /// continuation, typically its next consume up to the point where it queues, so a large batch is answered in
    /// parts, one per core: the first on this thread, the others on the thread pool. The callers' next adds are then
    /// made side by side instead of one after the other on the thread that read the reply while Redis has nothing to
    /// do. The last part to finish frees the place, so every answered caller's next add is in the lane's queue by then.
    /// </summary>
    private void AnswerBatch(RedisConsumeLane lane, int adds, List<List<RedisPendingConsume>> runs, RedisResult[] reply)
    {
        var parts = Math.Min(AnswerParts, adds / AddsPerAnswerPart);
        if (parts <= 1)
        {
            AnswerRuns(runs, 0, runs.Count, reply, 0);
            Release(lane);
            return;
        }

        // Cut the runs (never split: a run's adds share one reply entry) into parts of about adds / parts adds each.
        var cut = new BatchPart[parts];
        var made = 0;
        var batch = new BatchAnswers(this, lane, runs, reply);
        var share = (adds + parts - 1) / parts;
        int from = 0, fromOffset = 0, offset = 0, taken = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            taken += runs[i].Count;
            offset += ReplyEntries(runs[i]);
            if (taken >= share || i == runs.Count - 1)
            {
                cut[made++] = new BatchPart(batch, from, i + 1, fromOffset);
                (from, fromOffset, taken) = (i + 1, offset, 0);
            }
        }

        // Counted before any part is queued, so only the last to finish frees the place.
        batch.Expect(made);
        for (var i = 1; i < made; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(cut[i], preferLocal: false);
        }

        cut[0].Execute();
    }

    /// <summary>Answers runs [from, to) of a batch, whose entries in the reply start at <paramref name="offset"/>.</summary>
    private void AnswerRuns(List<List<RedisPendingConsume>> runs, int from, int to, RedisResult[] reply, int offset)
    {
        for (var i = from; i < to; i++)
        {
            AnswerRun(runs[i], reply, offset);
            offset += ReplyEntries(runs[i]);
        }
    }

    /// <summary>How many entries a run has in try_add_batch.lua's reply: applied, refused index, a value per meter.</summary>
    private static int ReplyEntries(List<RedisPendingConsume> run) => 2 + run[0].Deltas.Length;

    /// <summary>A batch whose answers are split into parts; the last part to finish frees the lane's place.</summary>
    private sealed class BatchAnswers(RedisQuotaStore store, RedisConsumeLane lane, List<List<RedisPendingConsume>> runs, RedisResult[] reply)
    {
        private int _unfinished;

        /// <summary>Sets how many parts are to answer; called once, before any part is queued.</summary>
        public void Expect(int parts) => _unfinished = parts;

        public void Answer(int from, int to, int offset)
        {
            store.AnswerRuns(runs, from, to, reply, offset);
            if (Interlocked.Decrement(ref _unfinished) == 0)
            {
                store.Release(lane);
            }
        }
    }

    /// <summary>One part of a batch's answers, run on the thread pool (or inline for the first).</summary>
    private sealed class BatchPart(BatchAnswers batch, int from, int to, int offset) : IThreadPoolWorkItem
    {
        public void Execute() => batch.Answer(from, to, offset);
    }
}
