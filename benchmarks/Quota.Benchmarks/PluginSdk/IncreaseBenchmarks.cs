using BenchmarkDotNet.Attributes;
using Quota.PluginSdk;

namespace Quota.Benchmarks.PluginSdk;

/// <summary>
/// The counting hot path against the shape of CloudQuery's client (a mutex around an add), single-threaded, with the
/// default options (batches of 1000 rows flushed in the background to the in-memory store).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class IncreaseBenchmarks
{
    private readonly object _gate = new();
    private PluginSdkBench _bench = null!;
    private IUsageClient _total = null!;
    private IUsageClient _perTable = null!;
    private long _rows;

    [GlobalSetup]
    public void Setup()
    {
        _bench = new PluginSdkBench();
        _total = _bench.CreateClient();
        _perTable = _bench.CreateClient();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _total.CloseAsync().GetAwaiter().GetResult();
        _perTable.CloseAsync().GetAwaiter().GetResult();
        _bench.Dispose();
    }

    [Benchmark(Baseline = true, Description = "lock + add (CloudQuery's mutex)")]
    public void LockAndAdd()
    {
        lock (_gate)
        {
            _rows += 1;
        }
    }

    [Benchmark(Description = "Increase(1)")]
    public void Increase() => _total.Increase(1);

    [Benchmark(Description = "IncreaseForTable(t, 1)")]
    public void IncreaseForTable() => _perTable.IncreaseForTable("github_issues", 1);
}
