using NodaTime.Testing;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;
using StackExchange.Redis;

namespace Quota.Tests.Storage;

/// <summary>
/// The store contract on an application's own connections that speak RESP2 (<c>protocol=resp2</c>), as an application
/// that moved from StackExchange.Redis 2.x and kept the older protocol would pass them in. The other Redis tests run on
/// the 3.x default, RESP3.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisResp2QuotaStoreTests(RedisServerFixture redis) : QuotaStoreContract, IAsyncLifetime
{
    private ConnectionMultiplexer _main = null!;
    private ConnectionMultiplexer _peer = null!;

    public async Task InitializeAsync()
    {
        _main = await Connections.OpenAsync(redis.Configuration + ",protocol=resp2");
        _peer = await Connections.OpenAsync(redis.Configuration + ",protocol=resp2");
    }

    public Task DisposeAsync()
    {
        Connections.Close(_main);
        Connections.Close(_peer);
        return Task.CompletedTask;
    }

    protected override IQuotaStore CreateStore(FakeClock clock) => TestStores.On(_main, clock);

    protected override IQuotaStore CreatePeerStore(IQuotaStore store, FakeClock clock) => TestStores.On(_peer, clock);

    [Fact]
    public void The_connections_speak_the_protocol_they_were_asked_for()
    {
        Assert.Equal(RedisProtocol.Resp2, _main.GetServer(_main.GetEndPoints()[0]).Protocol);
        Assert.Equal(RedisProtocol.Resp3, redis.Main.GetServer(redis.Main.GetEndPoints()[0]).Protocol);
    }
}
