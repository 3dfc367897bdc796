using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>Listing: a policy's subjects page by page, each once, and counters read in full, for exports and dashboards.</summary>
public abstract partial class QuotaStoreContract
{
    /// <summary>Reads every page of the policy's subjects.</summary>
    protected static async Task<List<QuotaStoredSubject>> ListAll(IQuotaStore store, string policy, int pageSize)
    {
        var subjects = new List<QuotaStoredSubject>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await store.ListSubjectsAsync(policy, continuation, pageSize);
            Assert.True(page.Subjects.Count <= pageSize, $"a page of {pageSize} held {page.Subjects.Count}");
            Assert.True(++pages <= 10_000, "the listing never ended");
            subjects.AddRange(page.Subjects);
            continuation = page.Continuation;

            // A continuation travels in URLs (an admin API's next link): unreserved characters only.
            Assert.True(continuation is null || (continuation.Length > 0 && continuation.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')), $"continuation '{continuation}' needs escaping in a URL");
        }
        while (continuation is not null);

        return subjects;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public async Task Listing_pages_through_every_subject_of_the_policy_exactly_once(int pageSize)
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var anchor = Clock.GetCurrentInstant() - Duration.FromDays(3);

        // Counters only, an anchor only, both, counters of two cycles; keys that are data; another policy's subject.
        string[] counted = ["alice", "bob", "a:b", "{a}", "with space", "ключ-ü-日本", "a\u0000b", "\uD800", "e\u0301", "\u00E9", "Alice", "alice "];
        foreach (var key in counted)
        {
            await store.TryAddAsync(new QuotaCounterKey(policy, key, Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry);
        }

        await store.TryAddAsync(new QuotaCounterKey(policy, "alice", Clock.GetCurrentInstant() - Duration.FromHours(1)), Deltas(new QuotaMeterDelta("requests", 1)), Expiry);
        await store.GetOrSetAnchorAsync(policy, "alice", anchor);
        await store.GetOrSetAnchorAsync(policy, "anchored-only", anchor);
        await store.GetOrSetAnchorAsync(NewPolicy(), "elsewhere", anchor);
        await store.TryAddAsync(new QuotaCounterKey("other-" + policy, "elsewhere", Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1)), Expiry);

        var listed = await ListAll(store, policy, pageSize);

        string[] expected = [.. counted, "anchored-only"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Select(s => s.Key).Order(StringComparer.Ordinal));
        Assert.Equal(anchor, listed.Single(s => s.Key == "alice").Anchor);
        Assert.Equal(anchor, listed.Single(s => s.Key == "anchored-only").Anchor);
        Assert.Null(listed.Single(s => s.Key == "bob").Anchor);
    }

    [Fact]
    public async Task Listing_a_policy_without_subjects_gives_one_empty_page()
    {
        var store = CreateStore(Clock);

        var page = await store.ListSubjectsAsync(NewPolicy(), continuation: null, limit: 10);

        Assert.Empty(page.Subjects);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task Subjects_added_during_a_listing_do_not_disturb_it()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var before = Enumerable.Range(0, 30).Select(i => $"subject-{i:D2}").ToList();
        foreach (var key in before)
        {
            await store.TryAddAsync(new QuotaCounterKey(policy, key, Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1)), Expiry);
        }

        var listed = new List<string>();
        string? continuation = null;
        var added = 0;
        do
        {
            var page = await store.ListSubjectsAsync(policy, continuation, 4);
            listed.AddRange(page.Subjects.Select(s => s.Key));
            continuation = page.Continuation;

            // New subjects on both sides of wherever the listing has got to.
            await store.TryAddAsync(new QuotaCounterKey(policy, $"new-{added}", Clock.GetCurrentInstant()), Deltas(new QuotaMeterDelta("requests", 1)), Expiry);
            await store.GetOrSetAnchorAsync(policy, $"zzz-{added++}", Clock.GetCurrentInstant());
        }
        while (continuation is not null);

        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(before.Except(listed, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Read_counters_gives_one_snapshot_per_counter_in_the_order_asked()
    {
        var store = CreateStore(Clock);
        var live = NewCounter("live");
        var absent = live with { Key = "absent" };
        var expired = live with { Key = "expired" };
        var otherPolicy = NewCounter("live");
        await store.TryAddAsync(live, Deltas(new QuotaMeterDelta("requests", 3, 10), new QuotaMeterDelta("tokens", 250)), Expiry);
        await store.TryAddAsync(expired, Deltas(new QuotaMeterDelta("requests", 3, 10)), Clock.GetCurrentInstant() + Duration.FromSeconds(1));
        await store.TryAddAsync(otherPolicy, Deltas(new QuotaMeterDelta("rows", 7)), Expiry);
        Clock.Advance(Duration.FromSeconds(2));

        var snapshots = await store.ReadCountersAsync([absent, live, expired, otherPolicy, live]);

        Assert.Equal([absent, live, expired, otherPolicy, live], snapshots.Select(s => s.Counter));
        Assert.True(snapshots[0].IsEmpty);
        Assert.Equal(3, snapshots[1].Meters["requests"]);
        Assert.Equal(250, snapshots[1].Meters["tokens"]);
        Assert.Empty(snapshots[1].Grants);
        Assert.Empty(snapshots[1].Alerts);
        Assert.True(snapshots[2].IsEmpty);
        Assert.Equal(7, snapshots[3].Meters["rows"]);
        Assert.Equal(snapshots[1].Meters, snapshots[4].Meters);
        Assert.Empty(await store.ReadCountersAsync([]));
    }

    [Fact]
    public async Task Bad_listing_arguments_are_refused()
    {
        var store = CreateStore(Clock);

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ListSubjectsAsync("", null, 10));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ListSubjectsAsync(NewPolicy(), null, 0));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.ReadCountersAsync([NewCounter() with { Key = "" }]));
        await Assert.ThrowsAnyAsync<ArgumentNullException>(async () => await store.ReadCountersAsync(null!));
    }
}
