using StackExchange.Redis;

namespace Quota.Tests.Infrastructure;

/// <summary>A real 3-node Redis Cluster (no replicas) started for the run, and two independent connections to it.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(60);

    public IReadOnlyList<RedisServer> Nodes { get; private set; } = [];

    public string Configuration { get; private set; } = "";

    public ConnectionMultiplexer Main { get; private set; } = null!;

    public ConnectionMultiplexer Peer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var nodes = new List<RedisServer>();
        Nodes = nodes;
        for (var i = 0; i < 3; i++)
        {
            nodes.Add(await RedisServer.StartAsync("--cluster-enabled", "yes", "--cluster-config-file", "{dir}/nodes.conf", "--cluster-node-timeout", "5000"));
        }

        await Shell.RunAsync("redis-cli", ["--cluster", "create", .. nodes.Select(n => n.EndPoint), "--cluster-replicas", "0", "--cluster-yes"]);
        var deadline = DateTime.UtcNow + ClusterTimeout;
        while (!await AllReportOkAsync(nodes))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The test cluster did not reach cluster_state:ok within {ClusterTimeout.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }

        Configuration = string.Join(",", nodes.Select(n => n.EndPoint));
        Main = await Connections.OpenAsync(Configuration);
        Peer = await Connections.OpenAsync(Configuration);
    }

    public Task DisposeAsync()
    {
        Connections.Close(Main);
        Connections.Close(Peer);
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        return Task.CompletedTask;
    }

    private static async Task<bool> AllReportOkAsync(IEnumerable<RedisServer> nodes)
    {
        foreach (var node in nodes)
        {
            var info = await node.CliAsync("cluster", "info");
            if (!info.Contains("cluster_state:ok", StringComparison.Ordinal) || !info.Contains("cluster_known_nodes:3", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}
