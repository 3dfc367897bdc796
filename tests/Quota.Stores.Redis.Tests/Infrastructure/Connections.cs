using StackExchange.Redis;

namespace Quota.Tests.Infrastructure;

internal static class Connections
{
    /// <summary>Opens a connection for a test and waits until it is connected (the servers are known to be up).</summary>
    public static async Task<ConnectionMultiplexer> OpenAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 10_000;
        options.SyncTimeout = 10_000;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!connection.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return connection.IsConnected ? connection : throw new InvalidOperationException($"Could not connect to Redis at {configuration}.");
    }

    /// <summary>Closes a test's connection.</summary>
    public static void Close(ConnectionMultiplexer? connection) => connection?.Dispose();
}
