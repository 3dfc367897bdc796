using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Quota.Benchmarks.Redis;

/// <summary>
/// The Redis server a benchmark runs against: the one named by QUOTA_REDIS (e.g. <c>127.0.0.1:6379</c>), or a private
/// redis-server without persistence on a free loopback port, stopped when the benchmark process ends.
/// </summary>
internal sealed class RedisBenchmarkServer : IDisposable
{
    private readonly Process? _process;
    private readonly string? _directory;

    private RedisBenchmarkServer(string configuration, Process? process, string? directory)
    {
        Configuration = configuration;
        _process = process;
        _directory = directory;
    }

    public string Configuration { get; }

    public static RedisBenchmarkServer Start()
    {
        var external = Environment.GetEnvironmentVariable("QUOTA_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new RedisBenchmarkServer(external.Trim(), null, null);
        }

        var port = FreePort();
        var directory = Directory.CreateTempSubdirectory("quota-redis-bench-").FullName;
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", directory, "--logfile", Path.Combine(directory, "redis.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start; install it (apt-get install -y redis-server) or set QUOTA_REDIS.");
        var server = new RedisBenchmarkServer($"127.0.0.1:{port}", process, directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        using var probe = ConnectionMultiplexer.Connect($"{server.Configuration},abortConnect=false,connectTimeout=1000");
        while (!probe.IsConnected)
        {
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                server.Dispose();
                throw new InvalidOperationException($"redis-server on port {port} did not come up.");
            }

            Thread.Sleep(50);
        }

        probe.Close(allowCommandsToComplete: false);
        return server;
    }

    /// <summary>
    /// Opens a connection set up the way the store sets up its own (abortConnect=false), so the raw floors and Quota
    /// differ only in what Quota does, and waits until it is up.
    /// </summary>
    public ConnectionMultiplexer Connect()
    {
        var connection = ConnectionMultiplexer.Connect($"{Configuration},abortConnect=false");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!connection.IsConnected && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        return connection;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5_000);
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
