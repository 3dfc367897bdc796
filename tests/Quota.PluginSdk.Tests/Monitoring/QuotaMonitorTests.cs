using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Monitoring;

/// <summary>WithCancelOnQuotaExceeded: the first check, the periodic checks, and why the token was cancelled.</summary>
public sealed class QuotaMonitorTests
{
    [Fact]
    public async Task No_quota_at_the_start_throws_naming_the_plugin_and_what_to_do()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 5);
        await host.RecordAsync(5);
        var client = host.CreateClient();

        var error = await Assert.ThrowsAsync<QuotaExceededException>(
            () => QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, client, new QuotaMonitorOptions { TimeProvider = host.Time }));

        Assert.Equal(QuotaHost.Team, error.Team);
        Assert.Equal(QuotaHost.Plugin(), error.Plugin);
        Assert.Equal(Instant.FromUtc(2026, 2, 1, 0, 0), error.ResetsAt);
        Assert.StartsWith("Source plugin 'github' v1.0.0 of team 'acme' has used its rows allowance", error.Message, StringComparison.Ordinal);
        Assert.Contains("Raise the plugin's rows allowance", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_monitor_cancels_a_running_sync_when_another_client_uses_up_the_shared_quota()
    {
        await using var host = QuotaHost.Create(rowsAllowance: 100);
        var syncing = host.CreateClient();
        var start = host.Now;
        var options = new QuotaMonitorOptions { CheckInterval = TimeSpan.FromSeconds(20), TimeProvider = host.Time };
        await using var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, syncing, options);
        // The rows are counted before the sync task starts, so the monitor's check cannot run ahead of them on a busy thread pool.
        syncing.IncreaseForTable("github_issues", 10);
        var sync = Task.Run(async () => await Task.Delay(Timeout.Infinite, scope.Token));

        // Another run of the same team takes the rest of the allowance.
        await host.RecordAsync(90);
        Assert.False(scope.Token.IsCancellationRequested);

        // The monitor checks every 20 s (the client's own flusher ticks at 30 s).
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(20));
        host.Time.Advance(TimeSpan.FromSeconds(20));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sync.WaitAsync(TestTime.Patience));
        var reason = Assert.IsType<QuotaExceededException>(scope.Reason);
        Assert.Equal(QuotaHost.Team, reason.Team);
        Assert.Throws<QuotaExceededException>(scope.ThrowIfCancellationRequested);
    }

    [Fact]
    public async Task Ten_failed_checks_in_a_row_cancel_with_every_failure_as_the_reason()
    {
        var time = new TestTime();
        var monitor = new ScriptedMonitor(time) { FailFrom = 2 };
        await using var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, monitor, new QuotaMonitorOptions { TimeProvider = time });

        for (var i = 1; i <= 9; i++)
        {
            await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(30));
            time.Advance(TimeSpan.FromSeconds(30));
        }

        await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(30));
        Assert.False(scope.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(30));
        await WhenCancelledAsync(scope.Token);

        var reason = Assert.IsType<AggregateException>(scope.Reason);
        Assert.Equal(10, reason.InnerExceptions.Count);
        Assert.All(reason.InnerExceptions, e => Assert.IsType<QuotaStoreException>(e));
        Assert.Contains("10 times in a row", reason.Message, StringComparison.Ordinal);
        Assert.Equal(11, monitor.Checks);
    }

    [Fact]
    public async Task A_successful_check_resets_the_failure_count()
    {
        var time = new TestTime();
        var monitor = new ScriptedMonitor(time) { FailFrom = 2, SucceedAt = 11 };
        await using var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, monitor, new QuotaMonitorOptions { MaxConsecutiveFailures = 10, TimeProvider = time });

        // Checks 2–10 fail (nine in a row), check 11 succeeds, checks 12–20 fail (nine again).
        for (var i = 1; i <= 19; i++)
        {
            await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(30));
            time.Advance(TimeSpan.FromSeconds(30));
        }

        await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(30));
        Assert.Equal(20, monitor.Checks);
        Assert.False(scope.Token.IsCancellationRequested);
        Assert.Null(scope.Reason);
    }

    [Fact]
    public async Task The_suggested_interval_replaces_the_default_one()
    {
        var time = new TestTime();
        var monitor = new ScriptedMonitor(time) { Suggested = TimeSpan.FromSeconds(5) };
        await using var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, monitor, new QuotaMonitorOptions { TimeProvider = time });

        await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(5));
        await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(5));

        Assert.Equal(2, monitor.Checks);
    }

    [Fact]
    public async Task The_interval_changes_only_when_a_check_suggests_a_new_one()
    {
        // As in Go's monitor: a failed check, or one that suggests no (or a non-positive) interval, keeps the current one.
        var time = new TestTime();
        var start = time.Now;
        var monitor = new ScriptedMonitor(time)
        {
            FailAt = [2],
            SuggestAt = check => check switch
            {
                1 => TimeSpan.FromSeconds(5),
                4 => TimeSpan.Zero,
                5 => TimeSpan.FromSeconds(7),
                _ => null,
            },
        };
        await using var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, monitor, new QuotaMonitorOptions { TimeProvider = time });

        // Check 1 suggested 5 s; check 2 fails, check 3 suggests none, check 4 suggests zero: each keeps 5 s. Check 5 suggests 7 s.
        int[] checksAt = [5, 10, 15, 20];
        foreach (var at in checksAt)
        {
            await time.WaitForDelayAsync(start + Duration.FromSeconds(at));
            time.AdvanceTo(start + Duration.FromSeconds(at));
        }

        await time.WaitForDelayAsync(start + Duration.FromSeconds(27));
        Assert.Equal(5, monitor.Checks);
        Assert.Null(scope.Reason);
    }

    [Fact]
    public async Task The_callers_cancellation_passes_through_without_a_reason()
    {
        var time = new TestTime();
        using var caller = new CancellationTokenSource();
        await using var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(caller.Token, new ScriptedMonitor(time), new QuotaMonitorOptions { TimeProvider = time });

        await caller.CancelAsync();

        Assert.True(scope.Token.IsCancellationRequested);
        Assert.Null(scope.Reason);
        Assert.Throws<OperationCanceledException>(scope.ThrowIfCancellationRequested);
    }

    [Fact]
    public async Task Disposing_stops_the_checks()
    {
        var time = new TestTime();
        var monitor = new ScriptedMonitor(time);
        var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, monitor, new QuotaMonitorOptions { TimeProvider = time });
        await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(30));

        await scope.DisposeAsync();

        Assert.Empty(time.PendingDues);
        Assert.Equal(1, monitor.Checks);
    }

    [Fact]
    public async Task Zero_consecutive_failures_cancels_at_the_first_failed_check()
    {
        // Go's WithQuotaMaxConsecutiveFailures(0) cancels at the first failure, as 1 does.
        var time = new TestTime();
        var monitor = new ScriptedMonitor(time) { FailFrom = 2 };
        await using var scope = await QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, monitor, new QuotaMonitorOptions { MaxConsecutiveFailures = 0, TimeProvider = time });

        await time.WaitForDelayAsync(time.Now + Duration.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(30));
        await WhenCancelledAsync(scope.Token);

        var reason = Assert.IsType<AggregateException>(scope.Reason);
        Assert.Single(reason.InnerExceptions);
        Assert.Equal(2, monitor.Checks);
    }

    [Fact]
    public async Task Invalid_options_are_refused_naming_the_option_and_its_Go_equivalent()
    {
        var monitor = new ScriptedMonitor(new TestTime());

        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken.None, monitor, new QuotaMonitorOptions { CheckInterval = TimeSpan.Zero, MaxConsecutiveFailures = -1 }));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("QuotaMonitorOptions.CheckInterval is 00:00:00", StringComparison.Ordinal) && f.Contains("WithQuotaCheckPeriod", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("QuotaMonitorOptions.MaxConsecutiveFailures is -1", StringComparison.Ordinal) && f.Contains("WithQuotaMaxConsecutiveFailures", StringComparison.Ordinal));
        Assert.Equal(0, monitor.Checks);
    }

    private static Task WhenCancelledAsync(CancellationToken token)
        => Task.Delay(Timeout.Infinite, token).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TestTime.Patience);

    /// <summary>A monitor whose checks succeed or fail by number.</summary>
    private sealed class ScriptedMonitor(TestTime time) : IQuotaMonitor
    {
        private int _checks;

        public int FailFrom { get; init; } = int.MaxValue;

        public int SucceedAt { get; init; }

        public TimeSpan? Suggested { get; init; }

        /// <summary>Gets the checks (1-based) that fail, besides those from <see cref="FailFrom"/>.</summary>
        public HashSet<int> FailAt { get; init; } = [];

        /// <summary>Gets the interval each check (1-based) suggests; when unset, every check suggests <see cref="Suggested"/>.</summary>
        public Func<int, TimeSpan?>? SuggestAt { get; init; }

        public int Checks => Volatile.Read(ref _checks);

        public string TeamName => "acme";

        public ValueTask<CheckQuotaResult> CheckQuotaAsync(CancellationToken cancellationToken = default)
        {
            var check = Interlocked.Increment(ref _checks);
            if ((check >= FailFrom && check != SucceedAt) || FailAt.Contains(check))
            {
                throw new QuotaStoreException($"check {check} at {time.Now} failed");
            }

            return new ValueTask<CheckQuotaResult>(new CheckQuotaResult(HasQuota: true, SuggestAt is null ? Suggested : SuggestAt(check)));
        }
    }
}
