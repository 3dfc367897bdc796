using NodaTime.Testing;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

/// <summary>Grants through the service: more allowance for the subject's current cycle, visible everywhere, gone at the next reset.</summary>
public sealed class QuotaServiceGrantTests
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);

    private IQuotaService Monthly(long requests = 3, IQuotaStore? store = null, Action<QuotaPolicyOptions>? more = null)
        => Create(_clock, q => q.AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = requests;
            p.Allowances["tokens"] = 1000;
            more?.Invoke(p);
        }), store);

    [Fact]
    public async Task A_grant_adds_to_the_current_cycle_and_decisions_report_the_raised_limit()
    {
        var quota = Monthly();
        for (var i = 0; i < 3; i++)
        {
            await quota.TryConsumeAsync("api", "alice");
        }

        var usage = await quota.GrantAsync("api", "alice", "requests", 2, "ticket 4711");
        var fourth = await quota.TryConsumeAsync("api", "alice");
        var fifth = await quota.TryConsumeAsync("api", "alice");
        var sixth = await quota.TryConsumeAsync("api", "alice");

        Assert.Equal(5, usage.Limits["requests"]);
        Assert.Equal(2, usage.Remaining["requests"]);
        Assert.Equal(2, usage.Granted["requests"]);
        Assert.Equal(new QuotaGrant("requests", 2, "ticket 4711", _clock.GetCurrentInstant()), Assert.Single(usage.Grants));
        Assert.True(fourth.IsAllowed);
        Assert.True(fifth.IsAllowed);
        Assert.Equal(new QuotaMeterUsage("requests", 5, 5), fifth.GetMeter(0));
        Assert.Equal(0, fifth.GetMeter(0).Remaining);
        Assert.False(sixth.IsAllowed);
        Assert.Equal(new QuotaMeterUsage("requests", 5, 5), sixth.RefusedMeter);
        Assert.Equal(5, sixth.Usage.Limits["requests"]);
        Assert.Equal(1000, sixth.Usage.Limits["tokens"]);
    }

    [Fact]
    public async Task Grants_show_in_usage_with_their_reasons_survive_a_reset_and_end_with_the_cycle()
    {
        var quota = Monthly();
        await quota.TryConsumeAsync("api", "alice");
        await quota.GrantAsync("api", "alice", "requests", 10, "onboarding");
        _clock.Advance(Duration.FromDays(1));
        await quota.GrantAsync("api", "alice", "tokens", 500, "ticket 17");
        await quota.ResetAsync("api", "alice");

        var usage = await quota.GetUsageAsync("api", "alice");

        Assert.Empty(usage.Meters);
        Assert.Equal(["onboarding", "ticket 17"], usage.Grants.Select(g => g.Reason));
        Assert.Equal(13, usage.Limits["requests"]);
        Assert.Equal(1500, usage.Remaining["tokens"]);

        _clock.Advance(Duration.FromDays(31));
        var next = await quota.GetUsageAsync("api", "alice");

        Assert.Empty(next.Grants);
        Assert.Empty(next.Granted);
        Assert.Equal(3, next.Limits["requests"]);
    }

    [Fact]
    public async Task A_grant_to_a_new_subject_of_a_first_use_policy_starts_its_cycle()
    {
        var quota = Monthly();
        var grantedAt = _clock.GetCurrentInstant();

        await quota.GrantAsync("api", "newcomer", "requests", 100, "welcome credit");
        _clock.Advance(Duration.FromDays(3));
        var decision = await quota.TryConsumeAsync("api", "newcomer");

        Assert.Equal(grantedAt, decision.AnchorDate);
        Assert.Equal(103, decision.GetMeter(0).Limit);
    }

    [Fact]
    public async Task A_grant_follows_the_subject_key_its_provider_counts_under_and_its_own_allowances()
    {
        var quota = Monthly(more: p => p.SubjectProvider = (key, _) => ValueTask.FromResult(
            new QuotaSubjectDetail("org-of-" + key, new Dictionary<string, long> { ["requests"] = 50 })));

        var usage = await quota.GrantAsync("api", "alice", "requests", 5, "ticket 9");
        var decision = await quota.TryConsumeAsync("api", "bob");

        Assert.Equal("org-of-alice", usage.Key);
        Assert.Equal(55, usage.Limits["requests"]);
        Assert.False(usage.Limits.ContainsKey("tokens"));
        Assert.Equal(50, decision.GetMeter(0).Limit);
    }

    [Fact]
    public async Task Bad_grants_are_refused_saying_what_to_pass_and_grant_nothing()
    {
        var quota = Monthly(requests: 10);

        var negative = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await quota.GrantAsync("api", "alice", "requests", -5, "oops"));
        var zero = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await quota.GrantAsync("api", "alice", "requests", 0, "oops"));
        var unlimited = await Assert.ThrowsAsync<ArgumentException>(async () => await quota.GrantAsync("api", "alice", "bananas", 5, "oops"));
        var noReason = await Assert.ThrowsAsync<ArgumentException>(async () => await quota.GrantAsync("api", "alice", "requests", 5, " "));
        await Assert.ThrowsAsync<ArgumentException>(async () => await quota.GrantAsync("api", "alice", "", 5, "oops"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await quota.GrantAsync("nope", "alice", "requests", 5, "oops"));
        await quota.GrantAsync("api", "alice", "requests", long.MaxValue - 20, "almost everything");
        var overflow = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await quota.GrantAsync("api", "alice", "requests", 11, "one too many"));

        Assert.Contains("Grant a positive amount", negative.Message, StringComparison.Ordinal);
        Assert.Contains("Grant a positive amount", zero.Message, StringComparison.Ordinal);
        Assert.Contains("Meter 'bananas' of quota policy 'api' has no allowance for this subject, so it never refuses and a grant would change nothing (grant one of: 'requests', 'tokens')", unlimited.Message, StringComparison.Ordinal);
        Assert.Contains("Say why the grant is given", noReason.Message, StringComparison.Ordinal);
        Assert.Contains("would take the limit past 9223372036854775807 (allowance 10, granted this cycle 9223372036854775787); nothing was granted. Grant at most 10.", overflow.Message, StringComparison.Ordinal);
        var usage = await quota.GetUsageAsync("api", "alice");
        Assert.Single(usage.Grants);
        Assert.Equal(long.MaxValue - 10, usage.Limits["requests"]);
    }

    [Fact]
    public async Task A_store_failure_during_a_grant_is_a_store_exception()
    {
        var quota = Monthly(store: new BrokenGrants(new InMemoryQuotaStore(_clock)));

        await Assert.ThrowsAsync<QuotaStoreException>(async () => await quota.GrantAsync("api", "alice", "requests", 5, "ticket"));
    }

    private sealed class BrokenGrants(InMemoryQuotaStore inner) : DelegatingStore(inner)
    {
        public override ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
            => ValueTask.FromException<QuotaGrantResult>(new IOException("disk full"));
    }
}
