using StackExchange.Redis;

namespace Quota.Tests.Infrastructure;

/// <summary>
/// One Redis server for the single-node tests: a private redis-server started for the run, or the server named by
/// the QUOTA_REDIS environment variable (e.g. <c>127.0.0.1:6379</c>). Two independent connections to it.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "QUOTA_REDIS";

    private RedisServer? _server;

    public string Configuration { get; private set; } = "";

    /// <summary>Gets the first connection (the store under test).</summary>
    public ConnectionMultiplexer Main { get; private set; } = null!;

    /// <summary>Gets a second, independent connection (another application instance).</summary>
    public ConnectionMultiplexer Peer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var external = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(external))
        {
            _server = await RedisServer.StartAsync();
            Configuration = _server.EndPoint;
        }
        else
        {
            Configuration = external.Trim();
        }

        Main = await Connections.OpenAsync(Configuration);
        Peer = await Connections.OpenAsync(Configuration);
    }

    public Task DisposeAsync()
    {
        Connections.Close(Main);
        Connections.Close(Peer);
        _server?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
