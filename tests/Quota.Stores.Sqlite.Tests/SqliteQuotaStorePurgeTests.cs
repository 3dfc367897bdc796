using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests;

public sealed class SqliteQuotaStorePurgeTests : SqliteFileTest
{

    [Fact]
    public async Task Purge_deletes_expired_counters_with_their_meters_and_ids_only()
    {
        using var store = new SqliteQuotaStore(new SqliteQuotaStoreOptions { ConnectionString = Database.ConnectionString, PurgeBatchSize = 300, PurgeEveryWrites = 1_000_000 }, Clock);
        for (var i = 0; i < 1000; i++)
        {
            await store.AddAsync(new QuotaCounterKey("p", "old-" + i, Clock.GetCurrentInstant()), new[] { new QuotaMeterDelta("requests", 1), new QuotaMeterDelta("rows", 5) }, Clock.GetCurrentInstant() + Duration.FromMinutes(1), "id-" + i);
        }

        var current = new QuotaCounterKey("p", "current", Clock.GetCurrentInstant());
        await store.AddAsync(current, new[] { new QuotaMeterDelta("requests", 1) }, Clock.GetCurrentInstant() + Duration.FromHours(1), "id-current");
        Clock.Advance(Duration.FromMinutes(2));

        Assert.Equal(1000, await store.PurgeExpiredAsync());

        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM quota_counters"));
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM quota_meters"));
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM quota_applied_ids"));
        Assert.Equal(1, (await store.ReadAsync(current))["requests"]);
    }

    [Fact]
    public async Task Writes_delete_expired_counters_in_small_batches()
    {
        using var store = new SqliteQuotaStore(new SqliteQuotaStoreOptions { ConnectionString = Database.ConnectionString, PurgeBatchSize = 50, PurgeEveryWrites = 10 }, Clock);

        // 20 hourly cycles of 100 subjects each, then traffic of a new cycle: each 10 writes delete up to 50 old counters.
        for (var cycle = 0; cycle < 20; cycle++)
        {
            for (var i = 0; i < 100; i++)
            {
                await store.TryAddAsync(new QuotaCounterKey("p", "k" + i, Clock.GetCurrentInstant()), new[] { new QuotaMeterDelta("requests", 1, 10) }, Clock.GetCurrentInstant() + Duration.FromHours(1));
            }

            Clock.Advance(Duration.FromHours(1) + Duration.FromSeconds(1));
        }

        var live = new QuotaCounterKey("p", "live", Clock.GetCurrentInstant());
        for (var i = 0; i < 500; i++)
        {
            await store.TryAddAsync(live, new[] { new QuotaMeterDelta("requests", 1) }, Clock.GetCurrentInstant() + Duration.FromHours(1));
        }

        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM quota_counters"));
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM quota_meters"));
        Assert.Equal(500, (await store.ReadAsync(live))["requests"]);
    }
}
