using NodaTime.Testing;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaServiceConsumeTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2024, 1, 31, 4, 30));

    private IQuotaService Monthly(long requests, long? tokens = null, QuotaEnforcement enforcement = QuotaEnforcement.Enforce)
        => Create(_clock, q => q.AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = requests;
            if (tokens is { } t)
            {
                p.Allowances["tokens"] = t;
            }

            p.Enforcement = enforcement;
        }));

    [Fact]
    public async Task Consumes_one_request_by_default_until_the_allowance_is_spent()
    {
        var quota = Monthly(requests: 3);

        for (var i = 1; i <= 3; i++)
        {
            var allowed = await quota.TryConsumeAsync("api", "alice");
            Assert.True(allowed.IsAllowed);
            Assert.Equal(QuotaOutcome.Allowed, allowed.Outcome);
            Assert.Equal(i, allowed.Usage.Meters["requests"]);
            Assert.Equal(3 - i, allowed.Usage.Remaining["requests"]);
        }

        var refused = await quota.TryConsumeAsync("api", "alice");

        Assert.False(refused.IsAllowed);
        Assert.Equal(QuotaOutcome.Refused, refused.Outcome);
        Assert.Equal("requests", refused.RefusedMeter?.Meter);
        Assert.Equal(3, refused.RefusedMeter?.Limit);
        Assert.Equal(3, refused.Usage.Meters["requests"]);
        Assert.Equal(Instant.FromUtc(2024, 2, 29, 4, 30), refused.NextResetDate);
        Assert.Equal(Duration.FromDays(29), refused.TimeUntilReset);
        Assert.True((await quota.TryConsumeAsync("api", "bob")).IsAllowed);
    }

    [Fact]
    public async Task Usage_resets_at_the_next_cycle_counted_from_the_first_use()
    {
        var quota = Monthly(requests: 1);
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        Assert.False((await quota.TryConsumeAsync("api", "alice")).IsAllowed);

        // Zuplo's example: first use 2024-01-31T04:30Z resets 2024-02-29T04:30Z, then 2024-03-31T04:30Z.
        _clock.Reset(Instant.FromUtc(2024, 2, 29, 4, 29, 59));
        Assert.False((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        _clock.Reset(Instant.FromUtc(2024, 2, 29, 4, 30));
        var february = await quota.TryConsumeAsync("api", "alice");
        Assert.True(february.IsAllowed);
        Assert.Equal(Instant.FromUtc(2024, 1, 31, 4, 30), february.AnchorDate);
        Assert.Equal(Instant.FromUtc(2024, 3, 31, 4, 30), february.NextResetDate);

        _clock.Reset(Instant.FromUtc(2024, 3, 31, 4, 30));
        var march = await quota.GetUsageAsync("api", "alice");
        Assert.Equal(0, march.Meters.GetValueOrDefault("requests"));
        Assert.Equal(Instant.FromUtc(2024, 4, 30, 4, 30), march.NextResetDate);
    }

    [Fact]
    public async Task Several_meters_are_all_or_nothing()
    {
        var quota = Monthly(requests: 10, tokens: 1000);

        var first = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1), ("tokens", 900)));
        var tooMuch = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1), ("tokens", 101)));
        var fits = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1), ("tokens", 100)));

        Assert.True(first.IsAllowed);
        Assert.False(tooMuch.IsAllowed);
        Assert.Equal("tokens", tooMuch.RefusedMeter?.Meter);
        Assert.True(fits.IsAllowed);
        var usage = await quota.GetUsageAsync("api", "alice");
        Assert.Equal(2, usage.Meters["requests"]);
        Assert.Equal(1000, usage.Meters["tokens"]);
        Assert.Equal(0, usage.Remaining["tokens"]);
    }

    [Fact]
    public async Task A_request_only_consume_reports_every_limited_meter()
    {
        var quota = Monthly(requests: 10, tokens: 1000);

        var decision = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal(2, decision.MeterCount);
        Assert.True(decision.TryGetMeter("tokens", out var tokens));
        Assert.Equal(0, tokens.Used);
        Assert.Equal(1000, tokens.Remaining);
    }

    [Fact]
    public async Task Meters_without_an_allowance_are_counted_and_never_refuse()
    {
        var quota = Monthly(requests: 2);

        var decision = await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1), ("bananas", 1_000_000)));

        Assert.True(decision.IsAllowed);
        Assert.True(decision.TryGetMeter("bananas", out var bananas));
        Assert.Null(bananas.Limit);
        Assert.Null(bananas.Remaining);
        Assert.Equal(1_000_000, (await quota.GetUsageAsync("api", "alice")).Meters["bananas"]);
    }

    [Fact]
    public async Task Recorded_usage_may_overshoot_once_then_the_next_request_is_refused()
    {
        var quota = Monthly(requests: 100, tokens: 1000);
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);

        Assert.True(await quota.RecordAsync("api", "alice", Amounts(("tokens", 1500))));

        var next = await quota.TryConsumeAsync("api", "alice");
        Assert.False(next.IsAllowed);
        Assert.Equal("tokens", next.RefusedMeter?.Meter);
        var usage = await quota.GetUsageAsync("api", "alice");
        Assert.Equal(1500, usage.Meters["tokens"]);
        Assert.Equal(1, usage.Meters["requests"]);
    }

    [Fact]
    public async Task Record_with_an_idempotency_id_counts_once()
    {
        var quota = Monthly(requests: 100);

        Assert.True(await quota.RecordAsync("api", "team", Amounts(("rows", 1000)), "flush-7"));
        Assert.False(await quota.RecordAsync("api", "team", Amounts(("rows", 1000)), "flush-7"));

        Assert.Equal(1000, (await quota.GetUsageAsync("api", "team")).Meters["rows"]);
    }

    [Fact]
    public async Task Refund_gives_back_to_the_decision_cycle_and_never_below_zero()
    {
        var quota = Monthly(requests: 2);
        var decision = await quota.TryConsumeAsync("api", "alice");

        await quota.RefundAsync("api", "alice", cycle: decision.Cycle);
        await quota.RefundAsync("api", "alice", cycle: decision.Cycle);

        Assert.Equal(0, (await quota.GetUsageAsync("api", "alice")).Meters.GetValueOrDefault("requests"));
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        Assert.False((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
    }

    [Fact]
    public async Task A_refund_for_a_past_cycle_does_not_touch_the_current_one()
    {
        var quota = Monthly(requests: 1);
        var january = await quota.TryConsumeAsync("api", "alice");
        _clock.Reset(january.NextResetDate);
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);

        await quota.RefundAsync("api", "alice", cycle: january.Cycle);

        Assert.Equal(1, (await quota.GetUsageAsync("api", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task Reset_sets_usage_back_to_zero_and_keeps_the_anchor()
    {
        var quota = Monthly(requests: 1);
        var first = await quota.TryConsumeAsync("api", "alice");
        _clock.Advance(Duration.FromDays(3));

        await quota.ResetAsync("api", "alice");

        var usage = await quota.GetUsageAsync("api", "alice");
        Assert.Equal(0, usage.Meters.GetValueOrDefault("requests"));
        Assert.Equal(first.AnchorDate, usage.AnchorDate);
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
    }

    [Fact]
    public async Task Reading_usage_does_not_start_a_first_use_cycle()
    {
        var quota = Monthly(requests: 5);

        var before = await quota.GetUsageAsync("api", "newcomer");
        _clock.Advance(Duration.FromDays(10));
        var first = await quota.TryConsumeAsync("api", "newcomer");

        Assert.Equal(0, before.Meters.GetValueOrDefault("requests"));
        Assert.Equal(5, before.Remaining["requests"]);
        Assert.Equal(_clock.GetCurrentInstant(), first.AnchorDate);
    }

    [Fact]
    public async Task Shadow_policies_count_everything_and_report_what_they_would_refuse()
    {
        var quota = Monthly(requests: 2, enforcement: QuotaEnforcement.Shadow);

        var decisions = new List<QuotaDecision>();
        for (var i = 0; i < 4; i++)
        {
            decisions.Add(await quota.TryConsumeAsync("api", "alice"));
        }

        Assert.All(decisions, d => Assert.True(d.IsAllowed));
        Assert.Equal([QuotaOutcome.Allowed, QuotaOutcome.Allowed, QuotaOutcome.ShadowRefused, QuotaOutcome.ShadowRefused], decisions.Select(d => d.Outcome));
        Assert.Equal("requests", decisions[2].RefusedMeter?.Meter);
        Assert.Equal(4, (await quota.GetUsageAsync("api", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task Concurrent_consumers_never_get_more_than_the_allowance()
    {
        var quota = Monthly(requests: 100);

        var granted = await ConsumeConcurrently(quota, "api", "shared", callers: 64, callsEach: 10);

        Assert.Equal(100, granted);
        Assert.Equal(100, (await quota.GetUsageAsync("api", "shared")).Meters["requests"]);
    }

    [Fact]
    public async Task Racing_first_uses_agree_on_one_anchor()
    {
        var quota = Monthly(requests: 1000);
        var anchors = new System.Collections.Concurrent.ConcurrentBag<Instant>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 32), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
        {
            if (i % 2 == 0)
            {
                _clock.Advance(Duration.FromMilliseconds(1));
            }

            anchors.Add((await quota.TryConsumeAsync("api", "racer", ct)).AnchorDate);
        });

        Assert.Single(anchors.Distinct());
    }
}
