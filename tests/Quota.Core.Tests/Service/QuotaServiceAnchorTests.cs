using NodaTime.Testing;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaServiceAnchorTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2024, 5, 15, 13, 45));

    [Fact]
    public async Task Calendar_monthly_cycles_start_on_the_first_in_the_policy_zone()
    {
        var quota = Create(_clock, q => q.AddPolicy("cal", p =>
        {
            p.Period = "monthly";
            p.AnchorMode = QuotaAnchorMode.Calendar;
            p.TimeZone = "Europe/Berlin";
            p.Allowances["requests"] = 10;
        }));

        var decision = await quota.TryConsumeAsync("cal", "alice");

        Assert.Equal(Instant.FromUtc(2024, 4, 30, 22, 0), decision.Cycle.Start); // 1 May 00:00 CEST
        Assert.Equal(Instant.FromUtc(2024, 5, 31, 22, 0), decision.NextResetDate);
    }

    [Theory]
    [InlineData("hourly", "2024-05-15T13:00:00Z", "2024-05-15T14:00:00Z")]
    [InlineData("daily", "2024-05-15T00:00:00Z", "2024-05-16T00:00:00Z")]
    [InlineData("weekly", "2024-05-13T00:00:00Z", "2024-05-20T00:00:00Z")]
    [InlineData("monthly", "2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z")]
    [InlineData("P3M", "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z")]
    [InlineData("yearly", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z")]
    public async Task Calendar_cycles_align_to_the_calendar(string period, string start, string end)
    {
        var quota = Create(_clock, q => q.AddPolicy("cal", p =>
        {
            p.Period = period;
            p.AnchorMode = QuotaAnchorMode.Calendar;
        }));

        var usage = await quota.GetUsageAsync("cal", "alice");

        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse(start).Value, usage.Cycle.Start);
        Assert.Equal(NodaTime.Text.InstantPattern.ExtendedIso.Parse(end).Value, usage.NextResetDate);
    }

    [Fact]
    public async Task Function_anchors_come_from_the_application_and_are_cached()
    {
        var calls = 0;
        var quota = Create(_clock, q => q.AddPolicy("subscription", p =>
        {
            p.Period = "monthly";
            p.AnchorMode = QuotaAnchorMode.Function;
            p.SubjectCacheDuration = TimeSpan.FromMinutes(5);
            p.AnchorProvider = (key, _) =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(key == "alice" ? Instant.FromUtc(2023, 11, 30, 8, 0) : Instant.FromUtc(2024, 1, 2, 0, 0));
            };
        }));

        var alice = await quota.TryConsumeAsync("subscription", "alice");
        await quota.TryConsumeAsync("subscription", "alice");
        var bob = await quota.TryConsumeAsync("subscription", "bob");

        Assert.Equal(Instant.FromUtc(2023, 11, 30, 8, 0), alice.AnchorDate);
        Assert.Equal(Instant.FromUtc(2024, 4, 30, 8, 0), alice.Cycle.Start);
        Assert.Equal(Instant.FromUtc(2024, 5, 30, 8, 0), alice.NextResetDate);
        Assert.Equal(Instant.FromUtc(2024, 5, 2, 0, 0), bob.Cycle.Start);
        Assert.Equal(2, calls);

        _clock.Advance(Duration.FromMinutes(6));
        await quota.TryConsumeAsync("subscription", "alice");
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Dynamic_allowances_map_subjects_to_keys_and_limits()
    {
        var quota = Create(_clock, q => q.AddPolicy("plans", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 1;
            p.SubjectProvider = (key, _) => ValueTask.FromResult(key.StartsWith("acme-", StringComparison.Ordinal)
                ? new QuotaSubjectDetail("org:acme", new Dictionary<string, long> { ["requests"] = 3 })
                : new QuotaSubjectDetail(key));
        }));

        Assert.True((await quota.TryConsumeAsync("plans", "acme-alice")).IsAllowed);
        Assert.True((await quota.TryConsumeAsync("plans", "acme-bob")).IsAllowed);
        var third = await quota.TryConsumeAsync("plans", "acme-carol");
        var fourth = await quota.TryConsumeAsync("plans", "acme-alice");
        Assert.True((await quota.TryConsumeAsync("plans", "solo")).IsAllowed);
        var soloAgain = await quota.TryConsumeAsync("plans", "solo");

        Assert.True(third.IsAllowed);
        Assert.Equal("org:acme", third.Key);
        Assert.False(fourth.IsAllowed);
        Assert.Equal(3, fourth.RefusedMeter?.Limit);
        Assert.False(soloAgain.IsAllowed);
        Assert.Equal(3, (await quota.GetUsageAsync("plans", "acme-zed")).Meters["requests"]);
    }

    [Fact]
    public async Task A_subject_can_carry_its_own_allowances_and_anchor()
    {
        var quota = Create(_clock, q => q.AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 1;
        }));
        var subject = new QuotaSubject("alice", new Dictionary<string, long> { ["requests"] = 2 }, Instant.FromUtc(2024, 1, 20, 0, 0));

        var first = await quota.TryConsumeAsync("api", subject, amounts: null);
        var second = await quota.TryConsumeAsync("api", subject, amounts: null);
        var third = await quota.TryConsumeAsync("api", subject, amounts: null);

        Assert.True(first.IsAllowed);
        Assert.True(second.IsAllowed);
        Assert.False(third.IsAllowed);
        Assert.Equal(Instant.FromUtc(2024, 5, 20, 0, 0), first.NextResetDate);
    }

    [Fact]
    public async Task An_anchor_later_than_now_counts_in_the_cycle_that_starts_at_the_anchor()
    {
        // A subscription that starts in three days: calls before it count in its first cycle, never in the one before.
        var start = _clock.GetCurrentInstant() + Duration.FromDays(3);
        var quota = Create(_clock, q => q.AddPolicy("subscription", p =>
        {
            p.Period = "monthly";
            p.AnchorMode = QuotaAnchorMode.Function;
            p.Allowances["requests"] = 1;
            p.AnchorProvider = (_, _) => ValueTask.FromResult(start);
        }));

        var early = await quota.TryConsumeAsync("subscription", "alice");
        var again = await quota.TryConsumeAsync("subscription", "alice");
        _clock.Reset(start);
        var atStart = await quota.TryConsumeAsync("subscription", "alice");
        var usage = await quota.GetUsageAsync("subscription", "alice");

        Assert.Equal(QuotaOutcome.Allowed, early.Outcome);
        Assert.Equal(new QuotaCycle(0, start, Instant.FromUtc(2024, 6, 18, 13, 45)), early.Cycle);
        Assert.Equal(Duration.FromDays(34), early.TimeUntilReset);
        Assert.Equal(QuotaOutcome.Refused, again.Outcome);
        Assert.Equal(QuotaOutcome.Refused, atStart.Outcome);
        Assert.Equal(early.Cycle, usage.Cycle);
        Assert.Equal(1, usage.Meters["requests"]);
    }

    [Fact]
    public async Task A_throwing_provider_fails_the_call_and_counts_nothing()
    {
        var quota = Create(_clock, q => q.AddPolicy("plans", p =>
        {
            p.Period = "daily";
            p.FailureMode = QuotaFailureMode.FailOpen;
            p.SubjectProvider = (_, _) => throw new InvalidOperationException("billing is down");
        }));

        var error = await Assert.ThrowsAsync<QuotaProviderException>(async () => await quota.TryConsumeAsync("plans", "alice"));

        Assert.Contains("plans", error.Message);
        Assert.Contains("billing is down", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }
}
