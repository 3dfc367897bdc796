using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests;

public sealed class SqliteQuotaStorePurgeTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly FakeClock _clock = FakeClock.Default();

    [Fact]
    public async Task Purge_deletes_expired_counters_with_their_meters_and_ids_only()
    {
        using var store = new SqliteQuotaStore(new SqliteQuotaStoreOptions { ConnectionString = _database.ConnectionString, PurgeBatchSize = 300, PurgeEveryWrites = 1_000_000 }, _clock);
        for (var i = 0; i < 1000; i++)
        {
            await store.AddAsync(new QuotaCounterKey("p", "old-" + i, _clock.Now), new[] { new QuotaMeterDelta("requests", 1), new QuotaMeterDelta("rows", 5) }, _clock.Now + Duration.FromMinutes(1), "id-" + i);
        }

        var current = new QuotaCounterKey("p", "current", _clock.Now);
        await store.AddAsync(current, new[] { new QuotaMeterDelta("requests", 1) }, _clock.Now + Duration.FromHours(1), "id-current");
        _clock.Advance(Duration.FromMinutes(2));

        Assert.Equal(1000, await store.PurgeExpiredAsync());

        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM quota_counters"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM quota_meters"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM quota_applied_ids"));
        Assert.Equal(1, (await store.ReadAsync(current))["requests"]);
    }

    [Fact]
    public async Task Writes_delete_expired_counters_in_small_batches()
    {
        using var store = new SqliteQuotaStore(new SqliteQuotaStoreOptions { ConnectionString = _database.ConnectionString, PurgeBatchSize = 50, PurgeEveryWrites = 10 }, _clock);

        // 20 hourly cycles of 100 subjects each, then traffic of a new cycle: each 10 writes delete up to 50 old counters.
        for (var cycle = 0; cycle < 20; cycle++)
        {
            for (var i = 0; i < 100; i++)
            {
                await store.TryAddAsync(new QuotaCounterKey("p", "k" + i, _clock.Now), new[] { new QuotaMeterDelta("requests", 1, 10) }, _clock.Now + Duration.FromHours(1));
            }

            _clock.Advance(Duration.FromHours(1) + Duration.FromSeconds(1));
        }

        var live = new QuotaCounterKey("p", "live", _clock.Now);
        for (var i = 0; i < 500; i++)
        {
            await store.TryAddAsync(live, new[] { new QuotaMeterDelta("requests", 1) }, _clock.Now + Duration.FromHours(1));
        }

        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM quota_counters"));
        Assert.Equal(1, _database.Scalar("SELECT count(*) FROM quota_meters"));
        Assert.Equal(500, (await store.ReadAsync(live))["requests"]);
    }

    public void Dispose() => _database.Dispose();
}
