using Quota.Stores.Redis;
using StackExchange.Redis;

namespace Quota.Tests.Infrastructure;

internal static class TestStores
{
    /// <summary>
    /// A bound no healthy call reaches even on a loaded machine running 128 callers; tests of the bounds set their own.
    /// </summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Creates a store on a test connection, with a generous operation timeout.</summary>
    public static RedisQuotaStore On(IConnectionMultiplexer connection, IClock clock, string keyPrefix = "quota")
        => new(new RedisQuotaStoreOptions { Connection = connection, KeyPrefix = keyPrefix, OperationTimeout = Generous }, clock);
}
