using NodaTime.Testing;
using Quota.Tests.Support;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

/// <summary>Listing a policy's usage: every subject in its own cycle, page by page, as a stream or one page at a time.</summary>
public sealed class QuotaServiceListingTests
{
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 1, 1, 9, 0));

    private IQuotaService Create(Action<QuotaPolicyOptions> policy, IQuotaStore? store = null, TimeSpan? retention = null)
        => ServiceFactory.Create(_clock, q => q.AddPolicy("api", policy).Configure(o => o.ExpiredCounterRetention = retention ?? TimeSpan.FromHours(1)), store);

    private static void MonthlyFirstUse(QuotaPolicyOptions p)
    {
        p.Period = "monthly";
        p.Allowances["requests"] = 100;
    }

    private static async Task<List<T>> All<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [Fact]
    public async Task Each_first_use_subject_is_listed_in_its_own_current_cycle()
    {
        var quota = Create(MonthlyFirstUse);
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 7)));          // anchored 1 January
        _clock.Reset(Instant.FromUtc(2026, 1, 15, 12, 0));
        await quota.TryConsumeAsync("api", "bob", Amounts(("requests", 3)));            // anchored 15 January
        _clock.Reset(Instant.FromUtc(2026, 1, 31, 23, 0));
        await quota.TryConsumeAsync("api", "carol", Amounts(("requests", 5)));          // anchored 31 January
        _clock.Reset(Instant.FromUtc(2026, 3, 5, 0, 0));
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 2)));
        await quota.TryConsumeAsync("api", "carol", Amounts(("requests", 1)));

        var listed = await All(quota.ListUsageAsync("api"));

        // Bob used nothing in his cycle that started 15 February; his January usage is gone with its counter.
        Assert.Equal(["alice", "carol"], listed.Select(u => u.Key));
        Assert.Equal(Instant.FromUtc(2026, 3, 1, 9, 0), listed[0].Cycle.Start);
        Assert.Equal(Instant.FromUtc(2026, 4, 1, 9, 0), listed[0].NextResetDate);
        Assert.Equal(2, listed[0].Meters["requests"]);
        Assert.Equal(98, listed[0].Remaining["requests"]);
        Assert.Equal(Instant.FromUtc(2026, 1, 31, 23, 0), listed[1].AnchorDate);
        Assert.Equal(Instant.FromUtc(2026, 2, 28, 23, 0), listed[1].Cycle.Start);
        Assert.Equal(Instant.FromUtc(2026, 3, 31, 23, 0), listed[1].NextResetDate);
        Assert.Equal(1, listed[1].Meters["requests"]);
    }

    [Fact]
    public async Task An_earlier_cycle_is_listed_while_its_counters_are_kept()
    {
        var quota = Create(MonthlyFirstUse, retention: TimeSpan.FromDays(40));
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 7)));
        _clock.Advance(Duration.FromDays(35));
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 1)));

        var january = await All(quota.ListUsageAsync("api", new QuotaListOptions { At = Instant.FromUtc(2026, 1, 20, 0, 0) }));
        var february = await All(quota.ListUsageAsync("api"));

        Assert.Equal(7, Assert.Single(january).Meters["requests"]);
        Assert.Equal(0, january[0].Cycle.Index);
        Assert.Equal(1, Assert.Single(february).Meters["requests"]);
    }

    [Fact]
    public async Task Calendar_and_function_anchors_place_subjects_too()
    {
        var calendar = Create(p =>
        {
            p.Period = "daily";
            p.AnchorMode = QuotaAnchorMode.Calendar;
            p.Allowances["requests"] = 10;
        });
        var subscriptions = new Dictionary<string, Instant> { ["alice"] = Instant.FromUtc(2025, 12, 20, 0, 0), ["bob"] = Instant.FromUtc(2025, 6, 3, 0, 0) };
        var function = Create(p =>
        {
            p.Period = "monthly";
            p.AnchorMode = QuotaAnchorMode.Function;
            p.AnchorProvider = (key, _) => ValueTask.FromResult(subscriptions[key]);
            p.Allowances["requests"] = 10;
        });
        foreach (var quota in new[] { calendar, function })
        {
            await quota.TryConsumeAsync("api", "alice");
            await quota.TryConsumeAsync("api", "bob");
        }

        var daily = await All(calendar.ListUsageAsync("api"));
        var monthly = await All(function.ListUsageAsync("api"));

        Assert.All(daily, u => Assert.Equal(Instant.FromUtc(2026, 1, 1, 0, 0), u.Cycle.Start));
        Assert.Equal([Instant.FromUtc(2025, 12, 20, 0, 0), Instant.FromUtc(2025, 12, 3, 0, 0)], monthly.Select(u => u.Cycle.Start));
        Assert.Equal([subscriptions["alice"], subscriptions["bob"]], monthly.Select(u => u.AnchorDate));
    }

    [Fact]
    public async Task Subjects_with_nothing_in_the_cycle_are_listed_only_when_asked()
    {
        var quota = Create(MonthlyFirstUse);
        await quota.TryConsumeAsync("api", "alice");
        await quota.TryConsumeAsync("api", "bob");
        await quota.RefundAsync("api", "bob");
        _clock.Advance(Duration.FromDays(40));

        var used = await All(quota.ListUsageAsync("api"));
        var everyone = await All(quota.ListUsageAsync("api", new QuotaListOptions { IncludeUnused = true }));

        Assert.Empty(used);
        Assert.Equal(["alice", "bob"], everyone.Select(u => u.Key));
        Assert.All(everyone, u => Assert.Equal(100, u.Remaining["requests"]));
    }

    [Fact]
    public async Task Pages_continue_where_the_last_ended_and_the_stream_reads_a_page_only_when_needed()
    {
        var store = new ListingCounter(new InMemoryQuotaStore(_clock));
        var quota = Create(MonthlyFirstUse, store);
        var keys = Enumerable.Range(0, 25).Select(i => $"user-{i:D2}").ToList();
        foreach (var key in keys)
        {
            await quota.TryConsumeAsync("api", key);
        }

        var paged = new List<string>();
        string? continuation = null;
        do
        {
            var page = await quota.GetUsagePageAsync("api", new QuotaListOptions { PageSize = 10, Continuation = continuation });
            Assert.True(page.Items.Count <= 10);
            paged.AddRange(page.Items.Select(u => u.Key));
            continuation = page.Continuation;
        }
        while (continuation is not null);

        Assert.Equal(keys, paged);
        Assert.Equal([10, 10, 10], store.Limits);

        store.Limits.Clear();
        await foreach (var usage in quota.ListUsageAsync("api", new QuotaListOptions { PageSize = 10 }))
        {
            if (usage.Key == "user-04")
            {
                break;
            }
        }

        Assert.Equal([10], store.Limits);
    }

    [Fact]
    public async Task Grants_and_fired_alerts_are_listed_with_the_usage()
    {
        var quota = Create(p =>
        {
            MonthlyFirstUse(p);
            p.Thresholds["requests"] = [50];
        });
        await quota.TryConsumeAsync("api", "alice", Amounts(("requests", 60)));
        await quota.GrantAsync("api", "bob", "requests", 25, "pilot customer");
        var firedAt = _clock.GetCurrentInstant();
        await WaitForMark(quota, "alice");

        var listed = await All(quota.ListUsageAsync("api"));
        var alerts = await All(quota.ListFiredAlertsAsync("api"));

        Assert.Equal(["alice", "bob"], listed.Select(u => u.Key));
        Assert.Equal(125, listed[1].Limits["requests"]);
        Assert.Equal("pilot customer", Assert.Single(listed[1].Grants).Reason);
        var alert = Assert.Single(alerts);
        Assert.Equal(("api", "alice", "requests", 50, firedAt), (alert.Policy, alert.Key, alert.Meter, alert.Percent, alert.FiredAt));
        Assert.Equal(60, alert.Usage.Meters["requests"]);
    }

    [Fact]
    public async Task Bad_listings_are_refused_when_asked_for_not_when_first_read()
    {
        var quota = Create(MonthlyFirstUse);

        Assert.Throws<ArgumentException>(() => quota.ListUsageAsync("nope"));
        Assert.Throws<ArgumentOutOfRangeException>(() => quota.ListUsageAsync("api", new QuotaListOptions { PageSize = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await quota.GetUsagePageAsync("api", new QuotaListOptions { PageSize = QuotaListOptions.MaxPageSize + 1 }));
    }

    [Fact]
    public async Task A_listing_fails_with_the_store_as_a_store_exception_but_is_not_held_to_the_consume_timeout()
    {
        var slow = new SlowListing(new InMemoryQuotaStore(_clock), TimeSpan.FromMilliseconds(300));
        var quota = Create(p =>
        {
            MonthlyFirstUse(p);
            p.StoreTimeout = TimeSpan.FromMilliseconds(50);
        }, slow);
        await quota.TryConsumeAsync("api", "alice");

        var listed = await All(quota.ListUsageAsync("api"));
        slow.Fail = true;
        var failure = await Assert.ThrowsAsync<QuotaStoreException>(async () => await All(quota.ListUsageAsync("api")));

        Assert.Equal("alice", Assert.Single(listed).Key);
        Assert.IsType<IOException>(failure.InnerException);
        Assert.Contains("'api'", failure.Message, StringComparison.Ordinal);
    }

    private sealed class SlowListing(IQuotaStore inner, TimeSpan delay) : DelegatingStore(inner)
    {
        public bool Fail { get; set; }

        public override async ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        {
            await Task.Delay(delay, cancellationToken);
            return Fail ? throw new IOException("the disk is gone") : await base.ListSubjectsAsync(policy, continuation, limit, cancellationToken);
        }
    }

    /// <summary>Waits until the alert the consume queued has been marked (delivery runs in the background).</summary>
    private static async Task WaitForMark(IQuotaService quota, string key)
    {
        var deadline = DateTime.UtcNow + AlertRecorder.Patience;
        while ((await quota.GetUsageAsync("api", key)).Alerts.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the alert was never marked");
            await Task.Delay(10);
        }
    }

    private sealed class ListingCounter(IQuotaStore inner) : DelegatingStore(inner)
    {
        public List<int> Limits { get; } = [];

        public override ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        {
            Limits.Add(limit);
            return base.ListSubjectsAsync(policy, continuation, limit, cancellationToken);
        }
    }
}
