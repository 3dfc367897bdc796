using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;
using StackExchange.Redis;

namespace Quota.Tests.Storage;

/// <summary>
/// Conditional adds that queue behind calls in flight and go to Redis as one batch script. Each test owns its server
/// and pauses it (SIGSTOP): the first add is then in flight and cannot finish, so every later add queues, and
/// exactly those go in the batch sent when the server resumes.
/// </summary>
public sealed class RedisQuotaStoreBatchTests : IAsyncLifetime
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);
    private RedisServer _server = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisQuotaStore _store = null!;

    public async Task InitializeAsync()
    {
        _server = await RedisServer.StartAsync();
        _connection = await Connections.OpenAsync(_server.EndPoint);
        _store = TestStores.On(_connection, _clock);

        // Connected, and try_add.lua cached: the adds under test meet a ready store.
        Assert.True((await _store.TryAddAsync(Counter("warm-up"), Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry)).Applied);
    }

    public async Task DisposeAsync()
    {
        await _server.ResumeAsync();
        _store.Dispose();
        Connections.Close(_connection);
        _server.Dispose();
    }

    private Instant Expiry => _clock.GetCurrentInstant() + Duration.FromHours(2);

    [Fact]
    public async Task Queued_adds_share_a_small_allowance_exactly_in_one_batch()
    {
        var counter = Counter("small");
        var results = await WhilePausedAsync(() => Enumerable.Range(0, 12).Select(_ => Add(counter, new QuotaMeterDelta("requests", 1, 5))).ToArray());

        Assert.Equal(1, _store.Batches);
        Assert.Equal(12, _store.BatchedAdds);
        var granted = results.Where(r => r.Applied).ToArray();
        Assert.Equal([1L, 2, 3, 4, 5], granted.Select(r => r.Values[0]).Order());
        Assert.All(results.Where(r => !r.Applied), r =>
        {
            Assert.Equal(0, r.RefusedIndex);
            Assert.Equal(5, r.Values[0]);
        });
        Assert.Equal(5, (await _store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task A_batch_mixes_counters_policies_and_meters_each_all_or_nothing()
    {
        var first = Counter("alice");
        var second = new QuotaCounterKey("other-policy", "alice", _clock.GetCurrentInstant());
        var third = Counter("bob");
        var results = await WhilePausedAsync(() =>
        [
            // first: 3 of 4 fit; a later add on it names another meter, read by the batch on its own.
            .. Enumerable.Range(0, 4).Select(_ => Add(first, new QuotaMeterDelta("requests", 1, 3))),
            Add(first, new QuotaMeterDelta("uploads", 4, 4)),

            // second: two meters, one unlimited; the third add would pass the limit of requests, so adds no tokens.
            .. Enumerable.Range(0, 3).Select(_ => Add(second, new QuotaMeterDelta("requests", 2, 5), new QuotaMeterDelta("tokens", 100))),

            // third: amounts differ from add to add.
            Add(third, new QuotaMeterDelta("requests", 2, 3)),
            Add(third, new QuotaMeterDelta("requests", 1, 3)),
            Add(third, new QuotaMeterDelta("requests", 1, 3)),
        ]);

        Assert.Equal(1, _store.Batches);
        Assert.Equal(3, results[..4].Count(r => r.Applied));
        Assert.True(results[4].Applied);
        Assert.Equal(4, results[4].Values[0]);
        Assert.Equal(new Dictionary<string, long> { ["requests"] = 3, ["uploads"] = 4 }, await _store.ReadAsync(first));

        Assert.Equal(2, results[5..8].Count(r => r.Applied));
        var refused = Assert.Single(results[5..8], r => !r.Applied);
        Assert.Equal(0, refused.RefusedIndex);
        Assert.Equal([4L, 200], [refused.Values[0], refused.Values[1]]);
        Assert.Equal(new Dictionary<string, long> { ["requests"] = 4, ["tokens"] = 200 }, await _store.ReadAsync(second));

        // In the order they were called: 2 fits, 2 + 1 fits, 3 + 1 does not.
        Assert.Equal([true, true, false], results[8..].Select(r => r.Applied));
        Assert.Equal(3, (await _store.ReadAsync(third))["requests"]);
    }

    [Fact]
    public async Task A_meter_first_named_by_a_later_add_is_read_from_the_live_counter()
    {
        var counter = Counter("later-meter");
        Assert.True((await Add(counter, new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("uploads", 5, 7))).Applied);

        // The batch reads the counter for the first adds (requests only), then uploads for the last one: 5 + 2 fits 7.
        var results = await WhilePausedAsync(() =>
        [
            .. Enumerable.Range(0, 3).Select(_ => Add(counter, new QuotaMeterDelta("requests", 1, 10))),
            Add(counter, new QuotaMeterDelta("uploads", 2, 7)),
            Add(counter, new QuotaMeterDelta("uploads", 1, 7)),
        ]);

        Assert.Equal(1, _store.Batches);
        Assert.All(results[..3], r => Assert.True(r.Applied));
        Assert.Equal([2L, 3, 4], results[..3].Select(r => r.Values[0]).Order());
        Assert.True(results[3].Applied);
        Assert.Equal(7, results[3].Values[0]);
        Assert.False(results[4].Applied);
        Assert.Equal(7, results[4].Values[0]);
        Assert.Equal(new Dictionary<string, long> { ["requests"] = 4, ["uploads"] = 7 }, await _store.ReadAsync(counter));
    }

    [Fact]
    public async Task Runs_of_equal_adds_stop_at_the_first_meter_without_room_and_each_add_gets_its_own_values()
    {
        var mixed = Counter("runs");
        var full = Counter("zero-full");
        var open = Counter("zero-open");
        await _store.AddAsync(full, Deltas(new QuotaMeterDelta("checks", 2)), Expiry);
        await _store.AddAsync(open, Deltas(new QuotaMeterDelta("checks", 1)), Expiry);

        var results = await WhilePausedAsync(() =>
        [
            // One run of five: tokens has room for three (30, 60, 90), so the last two are refused by meter 1.
            .. Enumerable.Range(0, 5).Select(_ => Add(mixed, new QuotaMeterDelta("requests", 1, 100), new QuotaMeterDelta("tokens", 30, 100))),

            // The same counter and meters with other amounts: a second run, after the first.
            .. Enumerable.Range(0, 2).Select(_ => Add(mixed, new QuotaMeterDelta("requests", 1, 100), new QuotaMeterDelta("tokens", 5, 100))),

            // Amount zero needs room for one, adds nothing: all refused on a full counter, all applied on another.
            .. Enumerable.Range(0, 3).Select(_ => Add(full, new QuotaMeterDelta("checks", 0, 2))),
            .. Enumerable.Range(0, 3).Select(_ => Add(open, new QuotaMeterDelta("checks", 0, 2))),
        ]);

        Assert.Equal(1, _store.Batches);
        Assert.Equal(13, _store.BatchedAdds);
        var first = results[..5];
        Assert.Equal([(1L, 30L), (2, 60), (3, 90)], first.Where(r => r.Applied).Select(r => (r.Values[0], r.Values[1])).Order());
        Assert.All(first.Where(r => !r.Applied), r =>
        {
            Assert.Equal(1, r.RefusedIndex);
            Assert.Equal([3L, 90], [r.Values[0], r.Values[1]]);
        });
        Assert.Equal(2, first.Count(r => !r.Applied));
        Assert.Equal([(4L, 95L), (5, 100)], results[5..7].Select(r => (r.Values[0], r.Values[1])).Order());
        Assert.All(results[5..7], r => Assert.True(r.Applied));
        Assert.Equal(new Dictionary<string, long> { ["requests"] = 5, ["tokens"] = 100 }, await _store.ReadAsync(mixed));

        Assert.All(results[7..10], r =>
        {
            Assert.False(r.Applied);
            Assert.Equal(0, r.RefusedIndex);
            Assert.Equal(2, r.Values[0]);
        });
        Assert.All(results[10..], r =>
        {
            Assert.True(r.Applied);
            Assert.Equal(1, r.Values[0]);
        });
        Assert.Equal(2, (await _store.ReadAsync(full))["checks"]);
        Assert.Equal(1, (await _store.ReadAsync(open))["checks"]);
    }

    [Fact]
    public async Task A_queue_that_fills_a_batch_goes_at_once_without_waiting_for_the_call_in_flight()
    {
        var counter = Counter("full");
        await IdleAsync();
        await _server.PauseAsync();
        Task<QuotaStoreResult>[] fillers;
        Task<QuotaStoreResult>[] calls;
        try
        {
            fillers = Fill();
            calls = Enumerable.Range(0, 64 + 10).Select(_ => Add(counter, new QuotaMeterDelta("requests", 1, 70))).ToArray();

            // The 64th queued add sent the first 64 while the filler was still in flight; the last 10 wait for a call to finish.
            Assert.Equal(1, _store.Batches);
            Assert.Equal(64, _store.BatchedAdds);
            Assert.DoesNotContain(calls, c => c.IsCompleted);
        }
        finally
        {
            await _server.ResumeAsync();
        }

        await Task.WhenAll(fillers).WaitAsync(NoHang);
        var results = await Task.WhenAll(calls).WaitAsync(NoHang);
        Assert.Equal(2, _store.Batches);
        Assert.Equal(74, _store.BatchedAdds);
        Assert.Equal(Enumerable.Range(1, 70).Select(i => (long)i), results.Where(r => r.Applied).Select(r => r.Values[0]).Order());
        Assert.Equal(70, (await _store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task Callers_answered_from_one_batch_all_queue_their_next_adds_for_the_next_batch()
    {
        // 48 adds over 6 counters: a batch answered in parts (one per core) on a machine with more than one. Each caller
        // makes its next add as it is answered; the lane's place is freed only once every part is answered, so all 48
        // next adds wait together for the second batch instead of the first of them going alone.
        var counters = Enumerable.Range(0, 6).Select(i => Counter("parts-" + i)).ToArray();
        var next = new Task<QuotaStoreResult>[48];
        await WhilePausedAsync(() => Enumerable.Range(0, 48)
            .Select(i => Add(counters[i % 6], new QuotaMeterDelta("requests", 1, 100)).ContinueWith(
                first =>
                {
                    next[i] = Add(counters[i % 6], new QuotaMeterDelta("requests", 1, 100));
                    return first.Result;
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default))
            .ToArray());

        var results = await Task.WhenAll(next).WaitAsync(NoHang);
        Assert.All(results, r => Assert.True(r.Applied));
        Assert.Equal(2, _store.Batches);
        Assert.Equal(96, _store.BatchedAdds);
        foreach (var counter in counters)
        {
            Assert.Equal(16, (await _store.ReadAsync(counter))["requests"]);
        }
    }

    [Fact]
    public async Task Many_concurrent_callers_get_exactly_the_allowance_across_batches()
    {
        var counter = Counter("crowd");
        const int callers = 64;
        const int attempts = 10;
        long granted = 0;
        await _server.PauseAsync();
        var crowd = Parallel.ForEachAsync(Enumerable.Range(0, callers), new ParallelOptions { MaxDegreeOfParallelism = callers }, async (_, _) =>
        {
            for (var i = 0; i < attempts; i++)
            {
                var result = await _store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 150), new QuotaMeterDelta("tokens", 3, 10_000)), Expiry);
                if (result.Applied)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });
        await Task.Delay(200);
        await _server.ResumeAsync();
        await crowd.WaitAsync(NoHang);

        Assert.True(_store.Batches > 0);
        Assert.Equal(150, granted);
        Assert.Equal(new Dictionary<string, long> { ["requests"] = 150, ["tokens"] = 450 }, await _store.ReadAsync(counter));
    }

    [Fact]
    public async Task A_cancelled_queued_caller_fails_at_once_is_never_sent_and_leaves_the_others_alone()
    {
        var counter = Counter("cancel");
        using var cancellation = new CancellationTokenSource();
        await _server.PauseAsync();
        Task<QuotaStoreResult>[] others;
        Task<QuotaStoreResult> cancelled;
        try
        {
            var fillers = Fill();
            others = [Add(counter, new QuotaMeterDelta("requests", 1, 10)), Add(counter, new QuotaMeterDelta("requests", 1, 10))];
            cancelled = _store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 5, 10)), Expiry, cancellation.Token).AsTask();
            cancellation.Cancel();

            // Answered while Redis is still paused: it was taken out of the queue, not waited for.
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(NoHang));
            Assert.False(others.Any(t => t.IsCompleted) || fillers.Any(t => t.IsCompleted));
        }
        finally
        {
            await _server.ResumeAsync();
        }

        Assert.Equal([1L, 2], (await Task.WhenAll(others).WaitAsync(NoHang)).Select(r => r.Values[0]).Order());
        Assert.Equal(2, (await _store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task At_the_deadline_callers_meet_the_failure_mode_and_queued_consumes_are_never_applied()
    {
        // Time is a FakeTimeProvider: the deadline passes when the test says so, not after a real wait.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = new ServiceCollection();
        services.AddQuota()
            .UseTimeProvider(time)
            .AddPolicy("deadline", p =>
            {
                p.Period = "daily";
                p.AnchorMode = QuotaAnchorMode.Calendar;
                p.Allowances["requests"] = 100;
                p.FailureMode = QuotaFailureMode.FailClosed;
                p.StoreTimeout = TimeSpan.FromSeconds(1);
            })
            .UseRedisStore(_connection);
        using var provider = services.BuildServiceProvider();
        var quota = provider.GetRequiredService<IQuotaService>();
        Assert.Equal(QuotaOutcome.Allowed, (await quota.TryConsumeAsync("deadline", "warm-up")).Outcome);

        await _server.PauseAsync();
        Task<QuotaDecision> sent;
        Task<QuotaDecision>[] queued;
        try
        {
            // The first is written to the paused server; the others queue behind it for a batch.
            sent = quota.TryConsumeAsync("deadline", "sent").AsTask();
            queued = Enumerable.Range(0, 3).Select(_ => quota.TryConsumeAsync("deadline", "queued").AsTask()).ToArray();
            time.Advance(TimeSpan.FromMilliseconds(999));
            Assert.False(sent.IsCompleted || queued.Any(q => q.IsCompleted), "a call was answered before its deadline");

            time.Advance(TimeSpan.FromMilliseconds(1));
            foreach (var call in queued.Prepend(sent))
            {
                var decision = await call.WaitAsync(NoHang);
                Assert.Equal(QuotaOutcome.FailedClosed, decision.Outcome);
                Assert.IsType<TimeoutException>(decision.Failure?.InnerException);
            }
        }
        finally
        {
            await _server.ResumeAsync();
        }

        // The one already written lands once Redis runs again; the queued ones were never sent.
        await EventuallyAsync(async () => (await quota.GetUsageAsync("deadline", "sent")).Meters.GetValueOrDefault("requests") == 1);
        Assert.Equal(0, (await quota.GetUsageAsync("deadline", "queued")).Meters.GetValueOrDefault("requests"));
        Assert.Equal(QuotaOutcome.Allowed, (await quota.TryConsumeAsync("deadline", "queued")).Outcome);
    }

    [Fact]
    public async Task Values_near_2_pow_53_are_left_to_the_single_script_and_stay_exact()
    {
        const long edge = 1L << 53;
        var counter = Counter("edge");
        await _store.AddAsync(counter, Deltas(new QuotaMeterDelta("bytes", edge - 3)), Expiry);

        var results = await WhilePausedAsync(() => Enumerable.Range(0, 6).Select(_ => Add(counter, new QuotaMeterDelta("bytes", 1, long.MaxValue))).ToArray());

        Assert.Equal(1, _store.Batches);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => edge - 3 + i), results.Select(r => r.Values[0]).Order());
        Assert.Equal(edge + 3, (await _store.ReadAsync(counter))["bytes"]);
    }

    [Fact]
    public async Task An_expired_counter_starts_from_zero_within_a_batch()
    {
        var counter = Counter("expired");
        await _store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 4, 5)), _clock.GetCurrentInstant() + Duration.FromHours(1));
        _clock.Advance(Duration.FromHours(2));

        var results = await WhilePausedAsync(() => Enumerable.Range(0, 7).Select(_ => Add(counter, new QuotaMeterDelta("requests", 1, 5))).ToArray());

        Assert.Equal([1L, 2, 3, 4, 5], results.Where(r => r.Applied).Select(r => r.Values[0]).Order());
        Assert.Equal(2, results.Count(r => !r.Applied));
        Assert.Equal(5, (await _store.ReadAsync(counter))["requests"]);
        var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(new RedisQuotaKeys("quota").Counter(counter).Counter);
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(2), TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
    }

    private static QuotaMeterDelta[] Deltas(params QuotaMeterDelta[] deltas) => deltas;

    private QuotaCounterKey Counter(string key) => new("batch", key, _clock.GetCurrentInstant());

    private Task<QuotaStoreResult> Add(QuotaCounterKey counter, params QuotaMeterDelta[] deltas)
        => _store.TryAddAsync(counter, deltas, Expiry).AsTask();

    /// <summary>An add on a counter of its own: sent at once, alone, it is the lane's call in flight.</summary>
    private Task<QuotaStoreResult>[] Fill()
    {
        var filler = Counter("filler-" + Guid.NewGuid().ToString("N"));
        return [Add(filler, new QuotaMeterDelta("requests", 1, 10))];
    }

    /// <summary>Starts the adds while Redis is paused (behind a filler, so all of them queue), then resumes it.</summary>
    private async Task<QuotaStoreResult[]> WhilePausedAsync(Func<Task<QuotaStoreResult>[]> start)
    {
        await IdleAsync();
        await _server.PauseAsync();
        Task<QuotaStoreResult>[] fillers;
        Task<QuotaStoreResult>[] calls;
        try
        {
            fillers = Fill();
            calls = start();
            Assert.DoesNotContain(calls, c => c.IsCompleted);
        }
        finally
        {
            await _server.ResumeAsync();
        }

        await Task.WhenAll(fillers).WaitAsync(NoHang);
        return await Task.WhenAll(calls).WaitAsync(NoHang);
    }

    /// <summary>
    /// Waits until the earlier calls have freed their lane: a caller is answered before its call frees its place in
    /// flight, so on a busy machine the next add (the filler) could otherwise queue behind it and join the batch.
    /// </summary>
    private Task IdleAsync() => EventuallyAsync(() => Task.FromResult(_store.IsIdle));

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(50);
        }
    }
}
