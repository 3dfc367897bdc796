using NodaTime.Testing;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Alerts;

/// <summary>
/// Delivery: a slow or failing handler never slows or fails the consume that reached a threshold; the queue is bounded
/// and says what it drops; shutdown delivers what it can in its time; every alert is a log line and a metric.
/// </summary>
public sealed class QuotaAlertDispatcherTests
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);
    private readonly CapturingLoggerProvider _logs = new();

    private ServiceProvider Start(Action<QuotaBuilder> configure, IQuotaStore? store = null)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(_clock);
        services.AddLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        var quota = services.AddQuota().AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 10;
            p.Thresholds["requests"] = [50, 100];
        });
        if (store is not null)
        {
            quota.UseStore(_ => store);
        }

        configure(quota);
        return services.BuildServiceProvider();
    }

    private IEnumerable<LogEntry> Logged(int eventId) => _logs.Entries.Where(e => e.EventId.Id == eventId);

    [Fact]
    public async Task A_handler_that_never_finishes_does_not_hold_up_a_single_consume()
    {
        var stuck = new AlertRecorder { Hold = new TaskCompletionSource().Task };
        await using var provider = Start(q => q.AddAlertHandler(_ => stuck).Configure(o => o.Alerts.ShutdownTimeout = TimeSpan.Zero));
        var quota = provider.GetRequiredService<IQuotaService>();

        // Every consume of many subjects crosses both thresholds while the handler sits on the first alert: each one
        // still completes synchronously, as consumes on the in-memory store do.
        for (var subject = 0; subject < 50; subject++)
        {
            for (var i = 0; i < 10; i++)
            {
                var decision = quota.TryConsumeAsync("api", "s" + subject);
                Assert.True(decision.IsCompletedSuccessfully);
                Assert.True((await decision).IsAllowed);
            }
        }

        Assert.Empty(stuck.Alerts);
    }

    [Fact]
    public async Task A_failing_handler_never_fails_the_consume_and_the_other_handlers_still_run()
    {
        var after = new AlertRecorder();
        await using var provider = Start(q => q
            .AddAlertHandler((_, _) => throw new InvalidOperationException("the mail server is down"))
            .AddAlertHandler((_, _) => ValueTask.FromException(new IOException("so is the pager")))
            .AddAlertHandler(_ => after));
        var quota = provider.GetRequiredService<IQuotaService>();

        var decisions = new List<QuotaDecision>();
        for (var i = 0; i < 10; i++)
        {
            decisions.Add(await quota.TryConsumeAsync("api", "alice"));
        }

        await after.WaitForAsync(2);

        Assert.All(decisions, d => Assert.True(d.IsAllowed));
        var failures = Logged(1002).ToList();
        Assert.Equal(4, failures.Count);
        Assert.All(failures, f => Assert.Equal(LogLevel.Error, f.Level));
        Assert.Contains(failures, f => f.Exception is InvalidOperationException && f.Message.Contains("50 % alert of policy 'api', meter 'requests'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_past_its_time_is_cancelled_and_delivery_moves_on()
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var after = new AlertRecorder();
        await using var provider = Start(q => q
            .Configure(o => o.Alerts.HandlerTimeout = TimeSpan.FromMilliseconds(50))
            .AddAlertHandler(async (_, token) =>
            {
                await using var registration = token.Register(() => cancelled.TrySetResult(true));
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
            })
            .AddAlertHandler(_ => after));
        var quota = provider.GetRequiredService<IQuotaService>();

        for (var i = 0; i < 10; i++)
        {
            await quota.TryConsumeAsync("api", "alice");
        }

        Assert.Equal([50, 100], (await after.WaitForAsync(2)).Select(a => a.Percent));
        Assert.True(await cancelled.Task.WaitAsync(AlertRecorder.Patience));
        Assert.Equal(2, Logged(1003).Count());
    }

    [Fact]
    public async Task A_full_queue_drops_alerts_and_says_how_many()
    {
        var release = new TaskCompletionSource();
        var slow = new AlertRecorder { Hold = release.Task };
        var dropped = new List<(long Value, string? Reason)>();
        var provider = Start(q => q.AddAlertHandler(_ => slow).Configure(o => o.Alerts.QueueCapacity = 2));
        using var listener = Listen(provider, "quota.alerts", (value, tags) =>
        {
            if (tags["quota.alert.result"] is "dropped")
            {
                dropped.Add((value, tags.GetValueOrDefault("error.type") as string));
            }
        });
        var quota = provider.GetRequiredService<IQuotaService>();

        // Ten subjects reach 50 %: the first alert is with the handler, two wait, the other seven have no room.
        await quota.TryConsumeAsync("api", "s0", Amounts(("requests", 5)));
        await slow.Called.WaitAsync(AlertRecorder.Patience);
        for (var subject = 1; subject < 10; subject++)
        {
            await quota.TryConsumeAsync("api", "s" + subject, Amounts(("requests", 5)));
        }

        release.SetResult();
        var delivered = await slow.WaitForAsync(3);
        await provider.DisposeAsync();

        Assert.Equal(["s0", "s1", "s2"], delivered.Select(a => a.Key));
        lock (dropped)
        {
            Assert.Equal(7, dropped.Sum(d => d.Value));
            Assert.All(dropped, d => Assert.Equal("queue_full", d.Reason));
        }

        var report = Assert.Single(Logged(1005));
        Assert.Equal("7 quota alerts were dropped because the alert queue was full (2); raise Quota:Alerts:QueueCapacity or speed up the handlers.", report.Message);
    }

    [Fact]
    public async Task Disposal_delivers_what_is_queued_within_its_time_and_drops_the_rest()
    {
        var recorder = new AlertRecorder();
        var provider = Start(q => q.AddAlertHandler(_ => recorder));
        var quota = provider.GetRequiredService<IQuotaService>();
        for (var subject = 0; subject < 20; subject++)
        {
            await quota.TryConsumeAsync("api", "s" + subject, Amounts(("requests", 10)));
        }

        await provider.DisposeAsync();

        Assert.Equal(40, recorder.Alerts.Count);

        var stuck = new AlertRecorder { Hold = new TaskCompletionSource().Task };
        provider = Start(q => q.AddAlertHandler(_ => stuck).Configure(o => o.Alerts.ShutdownTimeout = TimeSpan.FromMilliseconds(100)));
        quota = provider.GetRequiredService<IQuotaService>();
        for (var subject = 0; subject < 5; subject++)
        {
            await quota.TryConsumeAsync("api", "s" + subject, Amounts(("requests", 10)));
        }

        await stuck.Called.WaitAsync(AlertRecorder.Patience);
        await provider.DisposeAsync().AsTask().WaitAsync(AlertRecorder.Patience);

        Assert.Empty(stuck.Alerts);
        var undelivered = Assert.Single(Logged(1006));
        Assert.StartsWith("9 quota alerts were still queued", undelivered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_alert_is_a_log_line_and_a_metric()
    {
        var raised = new List<(long Value, string? Policy, string? Meter, object? Threshold, string? Result)>();
        var provider = Start(_ => { });
        using var listener = Listen(provider, "quota.alerts", (value, tags) => raised.Add((value, tags["quota.policy"] as string, tags["quota.meter"] as string, tags["quota.alert.threshold"], tags["quota.alert.result"] as string)));
        var quota = provider.GetRequiredService<IQuotaService>();

        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 5)));
        await provider.DisposeAsync();

        var line = Assert.Single(Logged(1001));
        Assert.Equal(QuotaAlertLog.Category, line.Category);
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal("alice reached 50 % of api: meter 'requests' used 5 of 10 in the cycle that resets at 2026-02-01T00:00:00Z.", line.Message);
        lock (raised)
        {
            Assert.Equal([(1L, "api", "requests", (object?)50, "raised")], raised);
        }
    }

    [Fact]
    public async Task An_alert_the_store_cannot_mark_is_not_delivered_and_says_why()
    {
        var recorder = new AlertRecorder();
        var store = new UnmarkableStore(new InMemoryQuotaStore(_clock));
        var provider = Start(q => q.AddAlertHandler(_ => recorder), store);
        var quota = provider.GetRequiredService<IQuotaService>();

        var decision = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 5)));
        await provider.DisposeAsync();

        Assert.True(decision.IsAllowed);
        Assert.Empty(recorder.Alerts);
        Assert.Equal(3, store.Attempts);
        var failed = Assert.Single(Logged(1004));
        Assert.IsType<IOException>(failed.Exception);
    }

    /// <summary>
    /// Hears <paramref name="instrument"/> of this provider's meter only (its <see cref="IMeterFactory"/> is the meter's
    /// scope): a listener on the meter's name alone also hears the tests running in parallel.
    /// </summary>
    private static MeterListener Listen(IServiceProvider provider, string instrument, Action<long, Dictionary<string, object?>> measured)
    {
        var factory = provider.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (published, l) =>
            {
                if (published.Meter.Name == QuotaDiagnostics.MeterName && ReferenceEquals(published.Meter.Scope, factory) && published.Name == instrument)
                {
                    l.EnableMeasurementEvents(published);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var byKey = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                byKey[tag.Key] = tag.Value;
            }

            measured(value, byKey);
        });
        listener.Start();
        return listener;
    }

    /// <summary>The in-memory store, except that marking an alert always fails.</summary>
    private sealed class UnmarkableStore(InMemoryQuotaStore inner) : DelegatingStore(inner)
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public override ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _attempts);
            return ValueTask.FromException<bool>(new IOException("the store is down"));
        }
    }
}
