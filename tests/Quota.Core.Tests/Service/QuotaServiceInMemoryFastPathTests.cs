using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

/// <summary>
/// The in-memory hot path caches each subject's counter on its cycle and, with the system clock, extrapolates time
/// between wall-clock reads. These tests consume away from the first-use instant (where that path is taken) and across
/// everything that must retire what it cached: resets, cycle edges, sweeps.
/// </summary>
public sealed class QuotaServiceInMemoryFastPathTests
{
    private static readonly Instant Anchor = Instant.FromUtc(2024, 1, 31, 4, 30);
    private static readonly Instant FebruaryReset = Instant.FromUtc(2024, 2, 29, 4, 30);

    private readonly FakeClock _clock = new(Anchor);

    private IQuotaService Monthly(long requests, QuotaAnchorMode mode = QuotaAnchorMode.FirstUse, IQuotaStore? store = null)
        => Create(_clock, q => q.AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.AnchorMode = mode;
            p.Allowances["requests"] = requests;
        }), store);

    [Fact]
    public async Task Concurrent_consumers_of_a_cached_subject_never_get_more_than_the_allowance()
    {
        var quota = Monthly(requests: 1000);
        Assert.True((await quota.TryConsumeAsync("api", "shared")).IsAllowed);
        _clock.Advance(Duration.FromHours(1));

        var granted = await ConsumeConcurrently(quota, "api", "shared", callers: 64, callsEach: 50);

        Assert.Equal(999, granted);
        Assert.Equal(1000, (await quota.GetUsageAsync("api", "shared")).Meters["requests"]);
    }

    [Fact]
    public async Task Requests_alone_on_a_policy_that_also_limits_tokens_allocates_nothing_once_cached()
    {
        var quota = Create(FakeClock.FromUtc(2026, 1, 1), b => b.AddPolicy("api", QuotaPeriod.Monthly, ("requests", 1_000_000), ("tokens", 1_000_000)));
        for (var i = 0; i < 100; i++)
        {
            await quota.TryConsumeAsync("api", "alice");
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Several_meters_through_the_cache_are_all_or_nothing()
    {
        var quota = Create(_clock, q => q.AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 10;
            p.Allowances["tokens"] = 1000;
        }));
        await quota.TryConsumeAsync("api", "alice");
        _clock.Advance(Duration.FromHours(1));

        var first = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1), ("tokens", 900)));
        var tooMuch = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1), ("tokens", 101)));
        var unlimited = await quota.TryConsumeAsync("api", "alice", Amounts(("tokens", 50), ("rows", long.MaxValue)));
        var wrapping = await Assert.ThrowsAsync<QuotaOverflowException>(async () => await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1), ("rows", 1))));

        Assert.True(first.IsAllowed);
        Assert.Equal(QuotaOutcome.Refused, tooMuch.Outcome);
        Assert.Equal("tokens", tooMuch.RefusedMeter?.Meter);
        Assert.True(unlimited.IsAllowed);
        Assert.Equal(("api", "rows", 1L), (wrapping.Policy, wrapping.Meter, wrapping.Amount));
        var usage = await quota.GetUsageAsync("api", "alice");
        Assert.Equal(2, usage.Meters["requests"]);
        Assert.Equal(950, usage.Meters["tokens"]);
        Assert.Equal(long.MaxValue, usage.Meters["rows"]);
    }

    [Fact]
    public async Task A_reset_retires_the_cached_counter()
    {
        var quota = Monthly(requests: 3);
        await quota.TryConsumeAsync("api", "alice");
        _clock.Advance(Duration.FromHours(1));
        await quota.TryConsumeAsync("api", "alice");
        await quota.TryConsumeAsync("api", "alice");
        Assert.False((await quota.TryConsumeAsync("api", "alice")).IsAllowed);

        await quota.ResetAsync("api", "alice");
        var afterReset = await quota.TryConsumeAsync("api", "alice");

        Assert.True(afterReset.IsAllowed);
        Assert.Equal(1, afterReset.Usage.Meters["requests"]);
        Assert.Equal(1, (await quota.GetUsageAsync("api", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task A_subject_with_its_own_allowances_is_held_to_them_though_its_key_is_cached()
    {
        var quota = Monthly(requests: 10);
        await quota.TryConsumeAsync("api", new QuotaSubject("alice"), amounts: null);
        _clock.Advance(Duration.FromHours(1));
        Assert.True((await quota.TryConsumeAsync("api", new QuotaSubject("alice"), amounts: null)).IsAllowed);

        var trial = new QuotaSubject("alice", new Dictionary<string, long> { ["requests"] = 2 });
        var refused = await quota.TryConsumeAsync("api", trial, amounts: null);
        var plain = await quota.TryConsumeAsync("api", new QuotaSubject("alice"), amounts: null);

        Assert.Equal(QuotaOutcome.Refused, refused.Outcome);
        Assert.Equal(2, refused.RefusedMeter?.Limit);
        Assert.True(plain.IsAllowed);
        Assert.Equal(3, plain.Usage.Meters["requests"]);
    }

    [Fact]
    public async Task The_last_instant_of_a_cycle_counts_in_it_and_the_reset_instant_in_the_next()
    {
        var quota = Monthly(requests: 2);
        await quota.TryConsumeAsync("api", "alice");
        _clock.Advance(Duration.FromDays(10));
        await quota.TryConsumeAsync("api", "alice");

        _clock.Reset(FebruaryReset - Duration.FromTicks(1));
        var last = await quota.TryConsumeAsync("api", "alice");
        _clock.Reset(FebruaryReset);
        var next = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal(QuotaOutcome.Refused, last.Outcome);
        Assert.Equal(FebruaryReset, last.NextResetDate);
        Assert.Equal(Duration.FromTicks(1), last.TimeUntilReset);
        Assert.Equal(QuotaOutcome.Allowed, next.Outcome);
        Assert.Equal(FebruaryReset, next.Cycle.Start);
        Assert.Equal(1, next.Usage.Meters["requests"]);
    }

    [Fact]
    public async Task A_clock_set_back_into_an_earlier_cycle_counts_there()
    {
        var quota = Monthly(requests: 5);
        await quota.TryConsumeAsync("api", "alice");
        _clock.Reset(FebruaryReset + Duration.FromDays(1));
        await quota.TryConsumeAsync("api", "alice");

        _clock.Reset(FebruaryReset - Duration.FromDays(1));
        var january = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal(Anchor, january.Cycle.Start);
        Assert.Equal(2, january.Usage.Meters["requests"]);
    }

    [Fact]
    public async Task Calendar_policies_enforce_their_allowance_through_the_cache_and_reset_on_the_first()
    {
        _clock.Reset(Instant.FromUtc(2024, 1, 15, 12, 0));
        var quota = Monthly(requests: 3, QuotaAnchorMode.Calendar);

        var decisions = new List<QuotaDecision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await quota.TryConsumeAsync("api", "alice"));
            _clock.Advance(Duration.FromMinutes(1));
        }

        _clock.Reset(Instant.FromUtc(2024, 2, 1, 0, 0));
        var february = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal([true, true, true, false], decisions.Select(d => d.IsAllowed));
        Assert.All(decisions, d => Assert.Equal(Instant.FromUtc(2024, 1, 1, 0, 0), d.Cycle.Start));
        Assert.True(february.IsAllowed);
        Assert.Equal(1, february.Usage.Meters["requests"]);
    }

    [Fact]
    public async Task A_swept_counter_is_replaced_by_a_fresh_one()
    {
        var store = new InMemoryQuotaStore(_clock);
        var quota = Create(_clock, q => q
            .Configure(o => o.ExpiredCounterRetention = TimeSpan.Zero)
            .AddPolicy("api", p =>
            {
                p.Period = "daily";
                p.Allowances["requests"] = 2;
            }), store);
        await quota.TryConsumeAsync("api", "alice");
        _clock.Advance(Duration.FromHours(1));
        await quota.TryConsumeAsync("api", "alice");

        _clock.Advance(Duration.FromDays(1));
        Assert.Equal(1, store.PurgeExpired());
        _clock.Advance(Duration.FromHours(1));
        var nextDay = await quota.TryConsumeAsync("api", "alice");
        var again = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal(1, nextDay.Usage.Meters["requests"]);
        Assert.Equal(2, again.Usage.Meters["requests"]);
        Assert.False((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
    }

    [Fact]
    public async Task With_the_system_clock_decisions_report_the_time_until_reset_from_the_wall_clock()
    {
        var services = new ServiceCollection();
        var anchor = SystemClock.Instance.GetCurrentInstant() - Duration.FromDays(3);
        services.AddQuota().AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.AnchorMode = QuotaAnchorMode.Function;
            p.AnchorProvider = (_, _) => ValueTask.FromResult(anchor);
            p.Allowances["requests"] = 1000;
        });
        using var provider = services.BuildServiceProvider();
        var quota = provider.GetRequiredService<IQuotaService>();

        for (var i = 0; i < 100; i++)
        {
            var before = SystemClock.Instance.GetCurrentInstant();
            var decision = await quota.TryConsumeAsync("api", "alice");
            var after = SystemClock.Instance.GetCurrentInstant();

            // An extrapolated time is off by the tick count's resolution at most (well under 50 ms).
            Assert.InRange(decision.TimeUntilReset, decision.NextResetDate - after - Duration.FromMilliseconds(50), decision.NextResetDate - before + Duration.FromMilliseconds(50));
            Assert.Equal(i + 1, decision.Usage.Meters["requests"]);
        }
    }
}
