using System.Diagnostics;
using System.Threading.Tasks.Sources;

namespace Quota.Tests.Service;

/// <summary>
/// The pooled guard every asynchronous store call goes through: each caller gets its own call's answer, a timed-out or
/// cancelled call never leaks into a later one, and the timeout is never cut short.
/// </summary>
public sealed class StoreCallGuardTests
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Concurrent_calls_each_get_their_own_answer_while_guards_are_reused()
    {
        var runtime = Runtime(TimeSpan.FromSeconds(10));

        await Parallel.ForEachAsync(Enumerable.Range(0, 32), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (caller, _) =>
        {
            for (var i = 0; i < 500; i++)
            {
                var expected = (caller * 1000) + i;
                Assert.Equal(expected, await StoreCallGuard<int>.Start(runtime, AnswerLaterAsync(expected), CancellationToken.None));
            }
        }).WaitAsync(NoHang);
    }

    [Fact]
    public async Task A_call_that_times_out_fails_after_the_timeout_and_its_late_answer_reaches_no_later_call()
    {
        var timeout = TimeSpan.FromMilliseconds(100);
        var runtime = Runtime(timeout);
        var late = new ManualCall<int>();

        var started = Stopwatch.GetTimestamp();
        var failure = await Assert.ThrowsAsync<QuotaStoreException>(async () => await StoreCallGuard<int>.Start(runtime, late.Call, CancellationToken.None).AsTask().WaitAsync(NoHang));

        Assert.True(Stopwatch.GetElapsedTime(started) >= timeout - TimeSpan.FromMilliseconds(1), "the call was given less than its timeout");
        Assert.IsType<TimeoutException>(failure.InnerException);
        Assert.Contains("'guarded'", failure.Message);

        // The late answer arrives while later calls are under way: each of them still gets its own.
        var next = new ManualCall<int>();
        var guarded = StoreCallGuard<int>.Start(runtime, next.Call, CancellationToken.None);
        late.Complete(-1);
        next.Complete(7);
        Assert.Equal(7, await guarded);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i, await StoreCallGuard<int>.Start(runtime, AnswerLaterAsync(i), CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_cancelled_caller_stops_waiting_at_once_and_the_call_answers_no_one_else()
    {
        var runtime = Runtime(TimeSpan.FromSeconds(10));
        var hanging = new ManualCall<int>();
        using var cts = new CancellationTokenSource();

        var guarded = StoreCallGuard<int>.Start(runtime, hanging.Call, cts.Token);
        await cts.CancelAsync();

        var cancelled = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await guarded);
        Assert.Equal(cts.Token, cancelled.CancellationToken);
        hanging.Complete(-1);
        Assert.Equal(3, await StoreCallGuard<int>.Start(runtime, AnswerLaterAsync(3), CancellationToken.None));
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_fails_it_at_once()
    {
        var runtime = Runtime(TimeSpan.FromSeconds(10));
        var hanging = new ManualCall<int>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await StoreCallGuard<int>.Start(runtime, hanging.Call, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Store_failures_become_store_exceptions_and_argument_errors_pass_through()
    {
        var runtime = Runtime(TimeSpan.FromSeconds(10));

        var failure = await Assert.ThrowsAsync<QuotaStoreException>(async () => await StoreCallGuard<int>.Start(runtime, FailLaterAsync(new IOException("disk")), CancellationToken.None));
        Assert.IsType<IOException>(failure.InnerException);
        Assert.Contains("'guarded'", failure.Message);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await StoreCallGuard<int>.Start(runtime, FailLaterAsync(new ArgumentOutOfRangeException("amount")), CancellationToken.None));
    }

    [Fact]
    public async Task A_shared_deadline_is_cancelled_no_sooner_than_the_timeout_and_later_calls_get_a_new_one()
    {
        // Calls starting in one slice (a sixteenth of the timeout: here a second) share one token.
        var slow = new StoreDeadlines(TimeSpan.FromSeconds(16));
        Assert.Equal(slow.Current(), slow.Current());

        var timeout = TimeSpan.FromMilliseconds(80);
        var deadlines = new StoreDeadlines(timeout);
        var started = Stopwatch.GetTimestamp();
        var token = deadlines.Current();
        var cancelled = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = token.Register(() => cancelled.TrySetResult(Stopwatch.GetElapsedTime(started)));

        await Task.Delay(TimeSpan.FromMilliseconds(20));
        Assert.NotEqual(token, deadlines.Current());
        Assert.True(await cancelled.Task.WaitAsync(NoHang) >= timeout, "the deadline came before the timeout");
    }

    private static PolicyRuntime Runtime(TimeSpan timeout)
    {
        var options = new QuotaPolicyOptions { Period = "daily", StoreTimeout = timeout };
        options.Allowances["requests"] = 10;
        return new PolicyRuntime(new QuotaPolicy("guarded", options, QuotaPeriod.Parse("daily"), DateTimeZone.Utc), 100, Duration.FromMinutes(1));
    }

    private static async ValueTask<int> AnswerLaterAsync(int value)
    {
        await Task.Yield();
        return value;
    }

    private static async ValueTask<int> FailLaterAsync(Exception failure)
    {
        await Task.Yield();
        throw failure;
    }

    /// <summary>A store call completed by the test, backed by a value task source like the Redis store's.</summary>
    private sealed class ManualCall<T> : IValueTaskSource<T>
    {
        private ManualResetValueTaskSourceCore<T> _core;

        public ValueTask<T> Call => new(this, _core.Version);

        public void Complete(T value) => _core.SetResult(value);

        public T GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
    }
}
