using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>Bad input is refused the same way on every store, and changes nothing.</summary>
public abstract partial class QuotaStoreContract
{
    [Fact]
    public async Task An_add_past_long_MaxValue_is_refused_naming_policy_meter_and_amount_and_changes_nothing()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("requests", 3), new QuotaMeterDelta("bytes", long.MaxValue - 5)), Expiry);

        var conditional = await Assert.ThrowsAsync<QuotaOverflowException>(async () => await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("bytes", 6)), Expiry));
        var unconditional = await Assert.ThrowsAsync<QuotaOverflowException>(async () => await store.AddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1), new QuotaMeterDelta("bytes", 7)), Expiry, "flush-1"));
        var single = await Assert.ThrowsAsync<QuotaOverflowException>(async () => await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", long.MaxValue)), Expiry));

        Assert.Equal((counter.Policy, "bytes", 6L), (conditional.Policy, conditional.Meter, conditional.Amount));
        Assert.Equal((counter.Policy, "bytes", 7L), (unconditional.Policy, unconditional.Meter, unconditional.Amount));
        Assert.Equal(long.MaxValue, single.Amount);
        Assert.Contains($"'{counter.Policy}'", conditional.Message);
        Assert.Contains("'bytes'", conditional.Message);
        Assert.Contains("Adding 6 ", conditional.Message);
        Assert.Equal(new Dictionary<string, long> { ["requests"] = 3, ["bytes"] = long.MaxValue - 5 }, await store.ReadAsync(counter));

        // The refused add did not keep its idempotency id: the same id applies once the add fits, and only once.
        Assert.True((await store.AddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 5)), Expiry, "flush-1")).Applied);
        Assert.False((await store.AddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 5)), Expiry, "flush-1")).Applied);
        Assert.Equal(long.MaxValue, (await store.ReadAsync(counter))["bytes"]);
    }

    [Fact]
    public async Task A_limited_meter_without_room_refuses_an_add_that_would_also_overflow_another_meter()
    {
        // Like a checked add that tests the limits first: a refusal wins over an overflow, whichever meter comes first,
        // so a full allowance answers "refused" rather than throwing, and nothing changes.
        var store = CreateStore(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("requests", 10), new QuotaMeterDelta("bytes", long.MaxValue - 5)), Expiry);

        var limitedFirst = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10), new QuotaMeterDelta("bytes", 6)), Expiry);
        var unlimitedFirst = await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("bytes", 6), new QuotaMeterDelta("requests", 1, 10)), Expiry);

        Assert.Equal((false, 0), (limitedFirst.Applied, limitedFirst.RefusedIndex));
        Assert.Equal((false, 1), (unlimitedFirst.Applied, unlimitedFirst.RefusedIndex));
        Assert.Equal(new Dictionary<string, long> { ["requests"] = 10, ["bytes"] = long.MaxValue - 5 }, await store.ReadAsync(counter));
    }

    [Fact]
    public async Task A_consume_past_long_MaxValue_throws_instead_of_failing_open_and_counts_nothing()
    {
        var store = CreateStore(Clock);
        var policy = NewPolicy();
        await using var services = CreateServices(store, Clock, policy, p =>
        {
            p.Period = "daily";
            p.Allowances["requests"] = 10;
            p.FailureMode = QuotaFailureMode.FailOpen;
        });
        var quota = services.GetRequiredService<IQuotaService>();
        Assert.True((await quota.TryConsumeAsync(policy, "alice", new Dictionary<string, long> { ["requests"] = 1, ["bytes"] = long.MaxValue - 5 })).IsAllowed);

        var consume = await Assert.ThrowsAsync<QuotaOverflowException>(async () => await quota.TryConsumeAsync(policy, "alice", new Dictionary<string, long> { ["requests"] = 1, ["bytes"] = 6 }));
        var record = await Assert.ThrowsAsync<QuotaOverflowException>(async () => await quota.RecordAsync(policy, "alice", new Dictionary<string, long> { ["bytes"] = 7 }, "flush-1"));

        Assert.Equal((policy, "bytes", 6L), (consume.Policy, consume.Meter, consume.Amount));
        Assert.Equal((policy, "bytes", 7L), (record.Policy, record.Meter, record.Amount));
        var usage = await quota.GetUsageAsync(policy, "alice");
        Assert.Equal(1, usage.Meters["requests"]);
        Assert.Equal(long.MaxValue - 5, usage.Meters["bytes"]);
    }

    [Fact]
    public async Task An_empty_idempotency_id_is_refused_and_changes_nothing()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1)), Expiry, string.Empty));

        Assert.Equal("idempotencyId", error.ParamName);
        Assert.Contains("null", error.Message);
        Assert.Empty(await store.ReadAsync(counter));
        Assert.True((await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 1)), Expiry, idempotencyId: null)).Applied);
    }
}
