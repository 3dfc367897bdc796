using System.Collections.Concurrent;
using NodaTime;
using Xunit;

namespace Quota.Testing;

public abstract partial class QuotaStoreContract
{
    /// <summary>Runs <see cref="ConcurrentCallers"/> callers at once, alternating between the store and its peer.</summary>
    private Task RunConcurrently(IQuotaStore store, IQuotaStore peer, Func<IQuotaStore, int, Task> caller)
        => Parallel.ForEachAsync(
            Enumerable.Range(0, ConcurrentCallers),
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentCallers },
            async (index, _) => await caller(index % 2 == 0 ? store : peer, index));

    [Fact]
    public async Task Concurrent_consumes_never_exceed_the_limit_and_lose_nothing()
    {
        var store = CreateStore(Clock);
        var peer = CreatePeerStore(store, Clock);
        var counter = NewCounter();
        const long limit = 250;
        var callers = ConcurrentCallers;
        const int attemptsPerCaller = 20;
        long granted = 0;

        await RunConcurrently(store, peer, async (handle, caller) =>
        {
            for (var i = 0; i < attemptsPerCaller; i++)
            {
                var result = await handle.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, limit), new QuotaMeterDelta("tokens", 2, limit * 2)), Expiry);
                if (result.Applied)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });

        Assert.True(callers * attemptsPerCaller > limit, "the test must ask for more than the limit");
        Assert.Equal(limit, granted);
        var read = await store.ReadAsync(counter);
        Assert.Equal(limit, read["requests"]);
        Assert.Equal(limit * 2, read["tokens"]);
    }

    [Fact]
    public async Task Concurrent_unconditional_adds_sum_exactly()
    {
        var store = CreateStore(Clock);
        var peer = CreatePeerStore(store, Clock);
        var counter = NewCounter();
        var callers = ConcurrentCallers;
        const int addsPerCaller = 25;

        await RunConcurrently(store, peer, async (handle, caller) =>
        {
            for (var i = 0; i < addsPerCaller; i++)
            {
                await handle.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 3)), Expiry);
            }
        });

        Assert.Equal(callers * addsPerCaller * 3L, (await store.ReadAsync(counter))["rows"]);
    }

    [Fact]
    public async Task Concurrent_refunds_and_consumes_balance_exactly()
    {
        var store = CreateStore(Clock);
        var peer = CreatePeerStore(store, Clock);
        var counter = NewCounter();
        var callers = ConcurrentCallers;
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("requests", callers * 10L)), Expiry);

        await RunConcurrently(store, peer, async (handle, caller) =>
        {
            for (var i = 0; i < 10; i++)
            {
                await handle.SubtractAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)));
            }
        });

        Assert.Equal(0, (await store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task Racing_first_uses_agree_on_one_anchor()
    {
        var store = CreateStore(Clock);
        var peer = CreatePeerStore(store, Clock);
        var policy = NewPolicy();
        var callers = ConcurrentCallers;
        var seen = new ConcurrentBag<Instant>();
        var candidates = Enumerable.Range(0, callers).Select(i => Clock.GetCurrentInstant() + Duration.FromMilliseconds(i)).ToArray();

        await RunConcurrently(store, peer, async (handle, caller) =>
        {
            seen.Add(await handle.GetOrSetAnchorAsync(policy, "racer", candidates[caller]));
        });

        var winner = Assert.Single(seen.Distinct());
        Assert.Contains(winner, candidates);
        Assert.Equal(winner, await store.GetAnchorAsync(policy, "racer"));
    }

    [Fact]
    public async Task Concurrent_idempotent_retries_apply_once()
    {
        var store = CreateStore(Clock);
        var peer = CreatePeerStore(store, Clock);
        var counter = NewCounter();
        var callers = ConcurrentCallers;
        long applied = 0;

        await RunConcurrently(store, peer, async (handle, caller) =>
        {
            for (var batch = 0; batch < 5; batch++)
            {
                var result = await handle.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 100)), Expiry, $"batch-{batch}");
                if (result.Applied)
                {
                    Interlocked.Increment(ref applied);
                }
            }
        });

        Assert.Equal(5, applied);
        Assert.Equal(500, (await store.ReadAsync(counter))["rows"]);
    }
}
