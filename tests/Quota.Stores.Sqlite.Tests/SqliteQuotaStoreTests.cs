using NodaTime.Testing;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests;

/// <summary>Every promise of the store contract, on a fresh SQLite file per test; the peer is a second store (its own connections) on the same file.</summary>
public sealed class SqliteQuotaStoreTests : QuotaLeaseStoreContract, IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly List<SqliteQuotaStore> _stores = [];

    protected override IQuotaStore CreateStore(FakeClock clock) => Open(clock);

    protected override IQuotaStore CreatePeerStore(IQuotaStore store, FakeClock clock) => Open(clock);

    [Fact]
    public async Task Usage_survives_closing_and_reopening_the_file()
    {
        var counter = NewCounter();
        var first = Open(Clock);
        await first.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 3, 10), new QuotaMeterDelta("tokens", 40)), Expiry);
        await first.GetOrSetAnchorAsync(counter.Policy, counter.Key, Clock.GetCurrentInstant());
        await first.DisposeAsync();

        var reopened = Open(Clock);

        var read = await reopened.ReadAsync(counter);
        Assert.Equal(3, read["requests"]);
        Assert.Equal(40, read["tokens"]);
        Assert.Equal(Clock.GetCurrentInstant(), await reopened.GetAnchorAsync(counter.Policy, counter.Key));
    }

    [Fact]
    public async Task A_retried_idempotent_add_reports_the_usage_without_adding()
    {
        var store = Open(Clock);
        var counter = NewCounter();
        await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 10), new QuotaMeterDelta("bytes", 100)), Expiry, "flush-1");

        var retry = await store.AddAsync(counter, Deltas(new QuotaMeterDelta("rows", 10), new QuotaMeterDelta("bytes", 100)), Expiry, "flush-1");

        Assert.False(retry.Applied);
        Assert.Equal(10, retry.Values[0]);
        Assert.Equal(100, retry.Values[1]);
    }

    [Fact]
    public async Task Operations_after_dispose_are_refused()
    {
        var store = Open(Clock);
        await store.DisposeAsync();
        store.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.TryAddAsync(NewCounter(), Deltas(new QuotaMeterDelta("requests", 1)), Expiry));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.ReadAsync(NewCounter()));
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _database.Dispose();
    }

    private SqliteQuotaStore Open(FakeClock clock)
    {
        var store = new SqliteQuotaStore(_database.ConnectionString, clock);
        _stores.Add(store);
        return store;
    }
}
