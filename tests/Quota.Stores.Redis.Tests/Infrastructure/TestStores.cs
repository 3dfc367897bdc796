using Quota.Stores.Redis;
using StackExchange.Redis;

namespace Quota.Tests.Infrastructure;

internal static class TestStores
{
    /// <summary>Creates a store on a test connection.</summary>
    public static RedisQuotaStore On(IConnectionMultiplexer connection, IClock clock, string keyPrefix = "quota")
        => new(new RedisQuotaStoreOptions { Connection = connection, KeyPrefix = keyPrefix }, clock);
}
