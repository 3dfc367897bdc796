using NodaTime;
using Xunit;

namespace Quota.Testing;

public abstract partial class QuotaStoreContract
{
    [Fact]
    public async Task Expired_counters_read_empty_and_restart_from_zero()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 4, 5)), Clock.GetCurrentInstant() + Duration.FromSeconds(10));

        Clock.Advance(Duration.FromSeconds(11));

        Assert.Empty(await store.ReadAsync(counter));
        var fresh = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 5, 5)), Clock.GetCurrentInstant() + Duration.FromSeconds(10));
        Assert.True(fresh.Applied);
        Assert.Equal(5, fresh.Values[0]);
    }

    [Fact]
    public async Task Expiry_is_extended_by_later_calls_never_shortened()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromSeconds(100));
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)), Clock.GetCurrentInstant() + Duration.FromSeconds(10));

        Clock.Advance(Duration.FromSeconds(50));

        Assert.Equal(2, (await store.ReadAsync(counter))["requests"]);
    }

    [Fact]
    public async Task Reset_empties_the_counter_and_keeps_the_anchor()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        var anchor = await store.GetOrSetAnchorAsync(counter.Policy, counter.Key, Clock.GetCurrentInstant());
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 5, 5), new QuotaMeterDelta("tokens", 10)), Expiry);

        await store.ResetAsync(counter);

        Assert.Empty(await store.ReadAsync(counter));
        Assert.Equal(anchor, await store.GetAnchorAsync(counter.Policy, counter.Key));
        Assert.True((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 5, 5)), Expiry)).Applied);
    }

    [Fact]
    public async Task Reset_of_an_absent_counter_is_harmless()
    {
        var store = CreateStore(Clock);
        await store.ResetAsync(NewCounter());
    }

    [Fact]
    public async Task Subtract_never_goes_below_zero()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 3, 10), new QuotaMeterDelta("tokens", 50)), Expiry);

        var after = await store.SubtractAsync(counter, Deltas(new QuotaMeterDelta("requests", 1), new QuotaMeterDelta("tokens", 80)));

        Assert.Equal(2, after[0]);
        Assert.Equal(0, after[1]);
        var read = await store.ReadAsync(counter);
        Assert.Equal(2, read["requests"]);
        Assert.Equal(0, read["tokens"]);
    }

    [Fact]
    public async Task Subtract_on_an_absent_counter_changes_nothing()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var after = await store.SubtractAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)));

        Assert.Equal(0, after[0]);
        Assert.False((await store.ReadAsync(counter)).TryGetValue("requests", out var value) && value != 0);
    }

    [Fact]
    public async Task Add_is_unconditional_and_may_exceed_the_limit()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var result = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("tokens", 700, 500)), Expiry);

        Assert.True(result.Applied);
        Assert.Equal(700, result.Values[0]);
    }

    [Fact]
    public async Task Add_with_an_idempotency_id_applies_once_per_counter()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        var other = counter with { Key = "someone-else" };

        var first = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1000)), Expiry, "flush-1");
        var retry = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1000)), Expiry, "flush-1");
        var next = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 10)), Expiry, "flush-2");
        var elsewhere = await store.AddAsync(other, Deltas(new QuotaMeterDelta("rows", 5)), Expiry, "flush-1");
        var anonymous1 = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1)), Expiry);
        var anonymous2 = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1)), Expiry);

        Assert.True(first.Applied);
        Assert.False(retry.Applied);
        Assert.Equal(1000, retry.Values[0]);
        Assert.True(next.Applied);
        Assert.True(elsewhere.Applied);
        Assert.True(anonymous1.Applied);
        Assert.True(anonymous2.Applied);
        Assert.Equal(1012, (await store.ReadAsync(counter))["rows"]);
        Assert.Equal(5, (await store.ReadAsync(other))["rows"]);
    }

    [Fact]
    public async Task An_expired_counter_forgets_its_idempotency_ids_with_its_usage()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 100)), Clock.GetCurrentInstant() + Duration.FromMinutes(1), "flush-1");

        Clock.Advance(Duration.FromMinutes(2));
        var again = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 7)), Clock.GetCurrentInstant() + Duration.FromMinutes(1), "flush-1");

        Assert.True(again.Applied);
        Assert.Equal(7, again.Values[0]);
        Assert.Equal(new Dictionary<string, long> { ["rows"] = 7 }, await store.ReadAsync(counter));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_consume_that_restarts_an_expired_counter_forgets_its_idempotency_ids(int meters)
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 100)), Clock.GetCurrentInstant() + Duration.FromMinutes(1), "flush-1");

        Clock.Advance(Duration.FromMinutes(2));
        QuotaMeterDelta[] consume = [new("requests", 1, 10), new("tokens", 5, 50)];
        var restarted = await store.TryAddAsync(counter, Deltas(consume[..meters]), Clock.GetCurrentInstant() + Duration.FromMinutes(1));
        var again = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 7)), Clock.GetCurrentInstant() + Duration.FromMinutes(1), "flush-1");

        Assert.True(restarted.Applied);
        Assert.Equal(1, restarted.Values[0]);
        Assert.True(again.Applied);
        Assert.Equal(7, again.Values[0]);
        Assert.Equal(7, (await store.ReadAsync(counter))["rows"]);
    }

    [Fact]
    public async Task Anchor_is_set_once()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();

        Assert.Null(await store.GetAnchorAsync(policy, "k"));
        var first = await store.GetOrSetAnchorAsync(policy, "k", Clock.GetCurrentInstant());
        var second = await store.GetOrSetAnchorAsync(policy, "k", Clock.GetCurrentInstant() + Duration.FromDays(3));

        Assert.Equal(Clock.GetCurrentInstant(), first);
        Assert.Equal(Clock.GetCurrentInstant(), second);
        Assert.Equal(Clock.GetCurrentInstant(), await store.GetAnchorAsync(policy, "k"));
        Assert.Null(await store.GetAnchorAsync(policy, "other"));
    }

    [Fact]
    public async Task Anchors_keep_sub_second_precision()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        var anchor = Instant.FromUtc(2024, 1, 31, 4, 30, 15) + Duration.FromMilliseconds(123);

        Assert.Equal(anchor, await store.GetOrSetAnchorAsync(policy, "k", anchor));
        Assert.Equal(anchor, await store.GetAnchorAsync(policy, "k"));
    }

    [Fact]
    public async Task Bad_arguments_are_refused_with_a_clear_message()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var emptyKey = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.TryAddAsync(counter with { Key = "" }, Deltas(new QuotaMeterDelta("requests", 1)), Expiry));
        Assert.Contains("key", emptyKey.Message, StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", -1)), Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.TryAddAsync(counter, Deltas(), Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1), new QuotaMeterDelta("requests", 2)), Expiry));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.GetOrSetAnchorAsync("", "k", Clock.GetCurrentInstant()));
        Assert.Empty(await store.ReadAsync(counter));
    }

    [Fact]
    public async Task A_cancelled_call_changes_nothing()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1)), Expiry, cts.Token));

        Assert.Empty(await store.ReadAsync(counter));
    }
}
