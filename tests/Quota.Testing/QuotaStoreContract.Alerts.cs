using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>Threshold alerts: the store's mark makes each alert exactly-once per subject, meter, threshold and cycle across instances.</summary>
public abstract partial class QuotaStoreContract
{
    [Fact]
    public async Task An_alert_is_marked_once_per_counter_meter_and_threshold()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        var firedAt = Clock.GetCurrentInstant();

        Assert.True(await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 80, firedAt), Expiry));
        Clock.Advance(Duration.FromMinutes(1));
        Assert.False(await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry));
        Assert.True(await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 100, Clock.GetCurrentInstant()), Expiry));
        Assert.True(await store.TryMarkAlertAsync(counter, new QuotaAlertMark("tokens", 80, Clock.GetCurrentInstant()), Expiry));
        Assert.True(await store.TryMarkAlertAsync(counter with { Key = "someone-else" }, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry));
        Assert.True(await store.TryMarkAlertAsync(counter with { CycleStart = counter.CycleStart + Duration.FromHours(1) }, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry));

        var alerts = (await Snapshot(store, counter)).Alerts;
        Assert.Equal(3, alerts.Count);
        Assert.Contains(new QuotaAlertMark("requests", 80, firedAt), alerts);
        Assert.Contains(new QuotaAlertMark("requests", 100, Clock.GetCurrentInstant()), alerts);
        Assert.Contains(new QuotaAlertMark("tokens", 80, Clock.GetCurrentInstant()), alerts);
    }

    [Fact]
    public async Task Concurrent_marks_of_one_alert_succeed_exactly_once()
    {
        var store = CreateStore(Clock);
        var peer = CreatePeerStore(store, Clock);
        var counter = NewCounter();
        var marked = 0;

        await RunConcurrently(store, peer, async (handle, caller) =>
        {
            if (await handle.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry))
            {
                Interlocked.Increment(ref marked);
            }
        });

        Assert.Equal(1, marked);
        Assert.Single((await Snapshot(store, counter)).Alerts);
    }

    [Fact]
    public async Task Alert_marks_go_with_their_expired_counter()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Clock.GetCurrentInstant() + Duration.FromSeconds(10));

        Clock.Advance(Duration.FromSeconds(11));

        Assert.True((await Snapshot(store, counter)).IsEmpty);
        Assert.True(await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry));
    }

    [Fact]
    public async Task Bad_alert_marks_are_refused()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.TryMarkAlertAsync(counter, new QuotaAlertMark("", 80, Clock.GetCurrentInstant()), Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.TryMarkAlertAsync(counter, new QuotaAlertMark("requests", 0, Clock.GetCurrentInstant()), Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.TryMarkAlertAsync(counter with { Policy = "" }, new QuotaAlertMark("requests", 80, Clock.GetCurrentInstant()), Expiry));
        Assert.True((await Snapshot(store, counter)).IsEmpty);
    }

    [Fact]
    public async Task Two_instances_raise_each_alert_exactly_once_under_concurrent_crossings()
    {
        const int subjects = 4;
        const long allowance = 40;
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var delivered = new ConcurrentQueue<(string Instance, QuotaAlert Alert)>();
        void Thresholds(QuotaPolicyOptions p)
        {
            p.Period = "daily";
            p.Allowances["requests"] = allowance;
            p.Thresholds["requests"] = [50, 80, 100];
        }

        Action<QuotaBuilder> Recording(string instance) => quota => quota
            .Configure(o => o.Alerts.ShutdownTimeout = TimeSpan.FromSeconds(60))
            .AddAlertHandler((alert, _) =>
            {
                delivered.Enqueue((instance, alert));
                return ValueTask.CompletedTask;
            });

        var one = CreateServices(store, Clock, policy, Thresholds, Recording("one"));
        var two = CreateServices(CreatePeerStore(store, Clock), Clock, policy, Thresholds, Recording("two"));
        var instances = new[] { one.GetRequiredService<IQuotaService>(), two.GetRequiredService<IQuotaService>() };
        long allowed = 0;

        // Callers on both instances consume every subject, one or three at a time, and record some more: every
        // threshold is crossed by whichever add happens to take the subject over it, on either instance.
        await Parallel.ForEachAsync(Enumerable.Range(0, ConcurrentCallers), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentCallers }, async (caller, _) =>
        {
            var quota = instances[caller % 2];
            for (var round = 0; round < 6; round++)
            {
                for (var subject = 0; subject < subjects; subject++)
                {
                    var amounts = new Dictionary<string, long> { ["requests"] = caller % 3 == 0 ? 3 : 1 };
                    if ((await quota.TryConsumeAsync(policy, "subject-" + subject, amounts)).IsAllowed)
                    {
                        Interlocked.Increment(ref allowed);
                    }
                }
            }
        });

        // Disposing each instance delivers what it has queued.
        await one.DisposeAsync();
        await two.DisposeAsync();

        Assert.True(allowed > 0);
        var alerts = delivered.Select(d => d.Alert).ToList();
        for (var subject = 0; subject < subjects; subject++)
        {
            var percents = alerts.Where(a => a.Key == "subject-" + subject).Select(a => a.Percent).Order().ToList();
            Assert.Equal([50, 80, 100], percents);
        }

        Assert.All(alerts, alert =>
        {
            Assert.Equal(policy, alert.Policy);
            Assert.Equal(allowance, alert.Limit);
            Assert.True(alert.Used >= Level(alert.Limit, alert.Percent) && alert.Used - 3 < Level(alert.Limit, alert.Percent), $"{alert} reached its threshold with that add");
        });
    }

    private static long Level(long limit, int percent) => ((limit * percent) + 99) / 100;
}
