using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Quota.Tests.Infrastructure;

/// <summary>
/// A private redis-server process on a free loopback port, in its own temporary directory, without persistence.
/// Killed on dispose, and when the test process exits however it exits.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly ConcurrentDictionary<RedisServer, bool> Live = new();
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string[] _extraArguments;
    private Process? _process;

    static RedisServer() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var server in Live.Keys)
        {
            server.Dispose();
        }
    };

    private RedisServer(int port, string directory, string[] extraArguments)
    {
        Port = port;
        Directory = directory;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string Directory { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("The server is not running.");

    /// <summary>Starts a server; <paramref name="extraArguments"/> are appended (e.g. cluster settings, with {dir} for its directory).</summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArguments)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var directory = Path.Combine(Path.GetTempPath(), "quota-redis-" + Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(directory);
            var server = new RedisServer(FreePort(), directory, extraArguments);
            try
            {
                await server.RunAsync();
                return server;
            }
            catch (InvalidOperationException ex)
            {
                // Most likely another process took the port between the probe and the start: try another one.
                last = ex;
                server.Dispose();
            }
        }

        throw new InvalidOperationException("Could not start redis-server after 5 attempts.", last);
    }

    /// <summary>Kills the process at once (SIGKILL): every connection drops, nothing is saved.</summary>
    public void Kill()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }

    /// <summary>Starts the server again on the same port (empty, since nothing was saved).</summary>
    public Task RestartAsync()
    {
        Kill();
        return RunAsync();
    }

    /// <summary>Freezes the process (SIGSTOP): connections stay open and nothing answers, like a stalled server.</summary>
    public Task PauseAsync() => Shell.RunAsync("kill", "-STOP", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public Task ResumeAsync() => Shell.RunAsync("kill", "-CONT", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Runs redis-cli against this server.</summary>
    public Task<string> CliAsync(params string[] arguments)
        => Shell.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);

    public void Dispose()
    {
        Kill();
        Live.TryRemove(this, out _);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task RunAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", Directory, "--logfile", Path.Combine(Directory, "redis.log") })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in _extraArguments)
        {
            start.ArgumentList.Add(argument.Replace("{dir}", Directory, StringComparison.Ordinal));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start. Install it with: apt-get install -y redis-server");
        _process = process;
        Live[this] = true;
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server on port {Port} exited with {process.ExitCode}: {Log()}");
            }

            if (await PingAsync())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds} s: {Log()}");
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private string Log()
    {
        var path = Path.Combine(Directory, "redis.log");
        return File.Exists(path) ? string.Join(" | ", File.ReadLines(path).TakeLast(5)) : "(no log)";
    }

    /// <summary>A port where both it and its cluster bus port (+10000) are free on loopback.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 50_000);
            if (IsFree(port) && IsFree(port + 10_000))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free loopback port found for redis-server.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
