using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaServiceFailureTests
{
    private readonly FakeClock _clock = FakeClock.Default();

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
    public async Task A_hanging_store_meets_the_failure_mode_within_the_timeout(QuotaFailureMode mode, bool allowed)
    {
        var quota = WithStore(new BrokenStore(hang: true), mode, QuotaAnchorMode.FirstUse);

        var call = quota.TryConsumeAsync("api", "alice").AsTask();
        var finished = await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.Same(call, finished);
        var decision = await call;
        Assert.Equal(allowed, decision.IsAllowed);
        Assert.IsType<TimeoutException>(decision.Failure?.InnerException);
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

    /// <summary>A store whose every call throws an <see cref="IOException"/>, or never completes.</summary>
    private sealed class BrokenStore(bool hang) : IQuotaStore
    {
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
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            await Task.Yield();
            throw new IOException("the disk is gone");
        }
    }
}
