using NodaTime.Testing;
using Microsoft.Extensions.Time.Testing;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaServiceFailureTests
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);

    private IQuotaService WithStore(IQuotaStore store, QuotaFailureMode mode, QuotaAnchorMode anchor = QuotaAnchorMode.Calendar, int timeoutMs = 200)
        => Create(_clock, q => q.AddPolicy("api", p =>
        {
            p.Period = "daily";
            p.AnchorMode = anchor;
            p.Allowances["requests"] = 5;
            p.FailureMode = mode;
            p.StoreTimeout = TimeSpan.FromMilliseconds(timeoutMs);
        }), store);

    [Theory]
    [InlineData(QuotaFailureMode.FailOpen, QuotaOutcome.FailedOpen, true)]
    [InlineData(QuotaFailureMode.FailClosed, QuotaOutcome.FailedClosed, false)]
    public async Task A_throwing_store_meets_the_failure_mode(QuotaFailureMode mode, QuotaOutcome outcome, bool allowed)
    {
        // A long timeout: the store fails after a hop to the thread pool, which a busy test run can delay past 200 ms.
        var quota = WithStore(new BrokenStore(hang: false), mode, timeoutMs: 30_000);

        var decision = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(allowed, decision.IsAllowed);
        var failure = Assert.IsType<QuotaStoreException>(decision.Failure);
        Assert.IsType<IOException>(failure.InnerException);
        Assert.Contains("api", failure.Message);
    }

    [Theory]
    [InlineData(QuotaFailureMode.FailOpen, true)]
    [InlineData(QuotaFailureMode.FailClosed, false)]
    public async Task A_hanging_store_meets_the_failure_mode_at_the_deadline(QuotaFailureMode mode, bool allowed)
    {
        // The deadline's timer runs on the application's TimeProvider: here a fake one, so no real time passes.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new BrokenStore(hang: true);
        var quota = Create(_clock, q => q.UseTimeProvider(time).AddPolicy("api", p =>
        {
            p.Period = "daily";
            p.AnchorMode = QuotaAnchorMode.FirstUse;
            p.Allowances["requests"] = 5;
            p.FailureMode = mode;
            p.StoreTimeout = TimeSpan.FromSeconds(1);
        }), store);

        var call = quota.TryConsumeAsync("api", "alice").AsTask();
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(call.IsCompleted, "the call was given up before its deadline");
        Assert.False(store.SawCancellation);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var decision = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(store.SawCancellation, "the store was not told of the deadline");
        Assert.Equal(allowed, decision.IsAllowed);
        Assert.Equal(allowed ? QuotaOutcome.FailedOpen : QuotaOutcome.FailedClosed, decision.Outcome);
        var timeout = Assert.IsType<TimeoutException>(decision.Failure?.InnerException);
        Assert.Contains("1000 ms", timeout.Message);
    }

    [Fact]
    public async Task A_store_that_answers_after_its_deadline_still_reports_what_it_did()
    {
        // One deadline, honoured by the store: a store that finished its work reports it, and the service maps that
        // answer rather than one of its own.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var answer = new TaskCompletionSource<QuotaStoreResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var quota = Create(_clock, q => q.UseTimeProvider(time).AddPolicy("api", p =>
        {
            p.Period = "daily";
            p.AnchorMode = QuotaAnchorMode.Calendar;
            p.Allowances["requests"] = 5;
            p.StoreTimeout = TimeSpan.FromSeconds(1);
        }), new SlowStore(answer.Task));

        var call = quota.TryConsumeAsync("api", "alice").AsTask();
        time.Advance(TimeSpan.FromSeconds(2));
        answer.SetResult(new QuotaStoreResult(true, -1, new QuotaCounterValues(1)));

        var decision = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(QuotaOutcome.Allowed, decision.Outcome);
    }

    [Fact]
    public async Task Reads_on_a_failing_store_throw_a_store_exception()
    {
        var quota = WithStore(new BrokenStore(hang: false), QuotaFailureMode.FailOpen);

        await Assert.ThrowsAsync<QuotaStoreException>(async () => await quota.GetUsageAsync("api", "alice"));
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_a_store_failure()
    {
        var quota = WithStore(new BrokenStore(hang: true), QuotaFailureMode.FailOpen, timeoutMs: 60_000);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await quota.GetUsageAsync("api", "alice", cts.Token));
    }

    /// <summary>A store whose every call throws an <see cref="IOException"/>, or waits until its token is cancelled.</summary>
    private sealed class BrokenStore(bool hang) : IQuotaStore
    {
        public bool SawCancellation { get; private set; }

        public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default) => Fail<QuotaStoreResult>(cancellationToken);

        public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default) => Fail<QuotaAddResult>(cancellationToken);

        public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default) => Fail<QuotaCounterValues>(cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default) => Fail<IReadOnlyDictionary<string, long>>(cancellationToken);

        public async ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default) => await Fail<int>(cancellationToken);

        public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default) => Fail<Instant>(cancellationToken);

        public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default) => Fail<Instant?>(cancellationToken);

        public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default) => Fail<QuotaGrantResult>(cancellationToken);

        public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default) => Fail<bool>(cancellationToken);

        public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default) => Fail<IReadOnlyList<QuotaCounterSnapshot>>(cancellationToken);

        public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default) => Fail<QuotaSubjectPage>(cancellationToken);

        private async ValueTask<T> Fail<T>(CancellationToken cancellationToken)
        {
            if (hang)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    SawCancellation = true;
                    throw;
                }
            }

            await Task.Yield();
            throw new IOException("the disk is gone");
        }
    }

    /// <summary>A store whose consume answers when the test says so, whatever its token; everything else is unused.</summary>
    private sealed class SlowStore(Task<QuotaStoreResult> answer) : IQuotaStore
    {
        public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default) => new(answer);

        public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
