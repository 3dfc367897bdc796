using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

/// <summary>Which consumes and records reach a threshold, and the alert they raise: once per subject, meter, threshold and cycle.</summary>
public sealed class QuotaServiceAlertTests : IAsyncDisposable
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);
    private readonly AlertRecorder _recorder = new();
    private ServiceProvider? _provider;

    private IQuotaService Start(Action<QuotaPolicyOptions> policy)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(_clock);
        services.AddQuota().AddPolicy("api", policy).AddAlertHandler(_ => _recorder);
        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<IQuotaService>();
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    private static void TenRequestsMonthly(QuotaPolicyOptions p)
    {
        p.Period = "monthly";
        p.Allowances["requests"] = 10;
        p.Thresholds["requests"] = [50, 80, 100];
    }

    [Fact]
    public async Task Each_threshold_is_raised_once_by_the_consume_that_reaches_it()
    {
        var quota = Start(TenRequestsMonthly);
        var anchor = _clock.GetCurrentInstant();
        var reachedAt = new List<Instant>();
        for (var i = 1; i <= 12; i++)
        {
            if (i is 5 or 8 or 10)
            {
                reachedAt.Add(_clock.GetCurrentInstant());
            }

            await quota.TryConsumeAsync("api", "alice");
            _clock.Advance(Duration.FromMinutes(1));
        }

        var alerts = await _recorder.WaitForAsync(3);

        var cycle = QuotaCycle.Containing(anchor, QuotaPeriod.Monthly, anchor, DateTimeZone.Utc);
        Assert.Equal(
            [
                new QuotaAlert("api", "alice", "requests", 50, 5, 10, anchor, cycle, reachedAt[0]),
                new QuotaAlert("api", "alice", "requests", 80, 8, 10, anchor, cycle, reachedAt[1]),
                new QuotaAlert("api", "alice", "requests", 100, 10, 10, anchor, cycle, reachedAt[2]),
            ],
            alerts);
        Assert.Equal("alice reached 80 % of api (requests: 8 of 10)", alerts[1].ToString());
    }

    [Fact]
    public async Task An_add_that_jumps_past_several_thresholds_raises_each_and_refunds_never_raise_them_again()
    {
        var quota = Start(TenRequestsMonthly);

        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 9)));
        await quota.RefundAsync("api", "alice", Amounts(("requests", 9)));
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 10)));
        var alerts = await _recorder.WaitForAsync(3);
        await DisposeAsync();

        Assert.Equal([50, 80, 100], alerts.Select(a => a.Percent));
        Assert.Equal([9, 9, 10], alerts.Select(a => a.Used));
        Assert.Equal(3, _recorder.Alerts.Count);
    }

    [Fact]
    public async Task Records_and_shadow_policies_reach_thresholds_too_even_past_the_allowance()
    {
        var quota = Start(p =>
        {
            p.Period = "daily";
            p.Enforcement = QuotaEnforcement.Shadow;
            p.Allowances["tokens"] = 1000;
            p.Thresholds["tokens"] = [100, 150];
        });

        await quota.RecordAsync("api", "alice", Amounts(("tokens", 999)));
        await quota.RecordAsync("api", "alice", Amounts(("tokens", 1)));
        await quota.TryConsumeAsync("api", "alice", Amounts(("tokens", 600)));
        var alerts = await _recorder.WaitForAsync(2);

        Assert.Equal([(100, 1000L), (150, 1600L)], alerts.Select(a => (a.Percent, a.Used)));
    }

    [Fact]
    public async Task Thresholds_are_shares_of_the_allowance_plus_grants_and_fire_once_per_cycle()
    {
        var quota = Start(TenRequestsMonthly);
        for (var i = 0; i < 8; i++)
        {
            await quota.TryConsumeAsync("api", "alice");
        }

        await quota.GrantAsync("api", "alice", "requests", 10, "ticket 12");

        // The limit is now 20: 80 % is 16, already fired at 8 of 10; 100 % is 20, and says so.
        for (var i = 0; i < 12; i++)
        {
            await quota.TryConsumeAsync("api", "alice");
        }

        var alerts = await _recorder.WaitForAsync(3);
        await DisposeAsync();

        Assert.Equal([(50, 5L, 10L), (80, 8L, 10L), (100, 20L, 20L)], alerts.Select(a => (a.Percent, a.Used, a.Limit)));
        Assert.Equal(3, _recorder.Alerts.Count);
    }

    [Fact]
    public async Task The_next_cycle_raises_its_alerts_afresh_and_other_meters_and_subjects_have_their_own()
    {
        var quota = Start(p =>
        {
            TenRequestsMonthly(p);
            p.Allowances["tokens"] = 100;
            p.Thresholds["tokens"] = [50];
        });

        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 5), ("tokens", 50)));
        await quota.TryConsumeAsync("api", "bob", Amounts(("requests", 5)));
        _clock.Advance(Duration.FromDays(31));
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 5)));
        var alerts = await _recorder.WaitForAsync(4);

        Assert.Equal(
            [("alice", "requests", 0L), ("alice", "tokens", 0L), ("bob", "requests", 0L), ("alice", "requests", 1L)],
            alerts.Select(a => (a.Key, a.Meter, a.Cycle.Index)));
    }

    [Fact]
    public async Task A_refused_consume_raises_nothing()
    {
        var quota = Start(TenRequestsMonthly);

        var refused = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 11)));
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 4)));
        await DisposeAsync();

        Assert.False(refused.IsAllowed);
        Assert.Empty(_recorder.Alerts);
    }

    [Fact]
    public async Task Each_instance_sharing_the_store_sees_the_alert_raised_once_between_them()
    {
        var store = new InMemoryQuotaStore(_clock);
        var second = new AlertRecorder();
        await using var one = Instance(store, _recorder);
        await using var two = Instance(store, second);
        var quotas = new[] { one.GetRequiredService<IQuotaService>(), two.GetRequiredService<IQuotaService>() };

        // Both instances cross 80 % of alice's allowance in turn (a refund in between takes her back below it).
        await quotas[0].TryConsumeAsync("api", "alice", Amounts(("requests", 8)));
        await quotas[1].RefundAsync("api", "alice", Amounts(("requests", 1)));
        await quotas[1].TryConsumeAsync("api", "alice", Amounts(("requests", 1)));
        await one.DisposeAsync();
        await two.DisposeAsync();

        // Marking runs on each instance's background dispatcher, so either may win the 80 % mark (instance one's
        // dispatcher can still be marking when instance two crosses again): the promise is once between them.
        Assert.Equal([50, 80], _recorder.Alerts.Concat(second.Alerts).Select(a => a.Percent).Order());
    }

    private ServiceProvider Instance(IQuotaStore store, AlertRecorder recorder)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(_clock);
        services.AddQuota().AddPolicy("api", TenRequestsMonthly).UseStore(_ => store).AddAlertHandler(_ => recorder);
        return services.BuildServiceProvider();
    }
}
