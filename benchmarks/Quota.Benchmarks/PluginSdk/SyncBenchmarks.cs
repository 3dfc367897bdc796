using BenchmarkDotNet.Attributes;
using Quota.PluginSdk;

namespace Quota.Benchmarks.PluginSdk;

/// <summary>
/// A source sync of 10 million rows from three tables (one free, two paid), each row built into column buffers and
/// sent as <see cref="SyncInsert"/> messages, unmetered and metered through <see cref="SyncHooks.OnBeforeSend"/>.
/// Times are per row.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class SyncBenchmarks
{
    private const int TotalRows = 10_000_000;

    private readonly Table[] _tables =
    [
        new("github_users"),
        new("github_issues") { IsPaid = true },
        new("github_releases") { IsPaid = true },
    ];

    private readonly long[] _ids = new long[1000];
    private readonly char[] _names = new char[1000 * 24];
    private readonly long[] _hashes = new long[1000];
    private PluginSdkBench _bench = null!;
    private SyncInsert[] _messages = null!;
    private long _sent;

    /// <summary>Gets or sets how many rows each insert message carries.</summary>
    [Params(1, 100)]
    public int RowsPerMessage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bench = new PluginSdkBench();
        _messages = _tables.Select(t => new SyncInsert(t, (uint)RowsPerMessage)).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = TotalRows, Description = "sync, unmetered")]
    public long Unmetered() => Sync(hooks: null);

    [Benchmark(OperationsPerInvoke = TotalRows, Description = "sync, metered (OnBeforeSend)")]
    public long Metered()
    {
        var client = _bench.CreateClient();
        var sent = Sync(new SyncHooks(client));
        client.CloseAsync().GetAwaiter().GetResult();
        return sent;
    }

    private long Sync(SyncHooks? hooks)
    {
        _sent = 0;
        var rowsPerMessage = RowsPerMessage;
        for (var row = 0; row < TotalRows; row += rowsPerMessage)
        {
            var message = _messages[(row / rowsPerMessage) % _messages.Length];
            BuildRows(row, rowsPerMessage);
            Send(hooks is null ? message : hooks.OnBeforeSend(message));
        }

        return _sent;
    }

    /// <summary>The plugin's own work per row: an id, a formatted name and a hash, written into column buffers.</summary>
    private void BuildRows(int first, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = (long)first + i;
            _ids[i] = id;
            var name = _names.AsSpan(i * 24, 24);
            "user-".AsSpan().CopyTo(name);
            id.TryFormat(name[5..], out var written);
            _hashes[i] = string.GetHashCode(name[..(5 + written)]);
        }
    }

    private void Send(SyncMessage message) => _sent += ((SyncInsert)message).Rows;
}
