using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Quota.Benchmarks.Core;

namespace Quota.Benchmarks.Leasing;

/// <summary>
/// One consume of a leased policy on SQLite, granted from the subject's block by the in-memory path, against the peer
/// (PartitionedRateLimiter's fixed window per key) and the in-memory store in the same run. Rotates over 64 subjects;
/// their blocks are topped up and settled in the background.
/// </summary>
[MemoryDiagnoser]
public class LeasedConsumeBenchmarks
{
    private const int KeyCount = 64;

    private string[] _keys = [];
    private int _next;
    private string _file = "";
    private PartitionedRateLimiter<string> _peer = null!;
    private ServiceProvider _memoryProvider = null!;
    private ServiceProvider _leasedProvider = null!;
    private IQuotaService _memory = null!;
    private IQuotaService _leased = null!;

    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, KeyCount).Select(i => "user-" + i).ToArray();
        _peer = PeerLimiter.Create();
        _file = Path.Combine(Path.GetTempPath(), $"quota-leased-consume-{Guid.NewGuid():N}.db");
        (_memoryProvider, _memory) = Start(q => q.UseInMemoryStore());
        (_leasedProvider, _leased) = Start(q => q.UseSqliteStore($"Data Source={_file}"));
        foreach (var key in _keys)
        {
            _peer.AttemptAcquire(key).Dispose();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _peer.Dispose();
        _memoryProvider.Dispose();
        _leasedProvider.Dispose();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_file)!, Path.GetFileName(_file) + "*"))
        {
            File.Delete(file);
        }
    }

    [Benchmark(Baseline = true, Description = "PartitionedRateLimiter fixed window, per key (peer)")]
    public bool PartitionedFixedWindow()
    {
        using var lease = _peer.AttemptAcquire(NextKey());
        return lease.IsAcquired;
    }

    [Benchmark(Description = "Quota TryConsumeAsync, one meter (in-memory)")]
    public bool InMemory() => Consume(_memory);

    [Benchmark(Description = "Quota TryConsumeAsync, one meter, leased (SQLite)")]
    public bool LeasedSqlite() => Consume(_leased);

    private bool Consume(IQuotaService quota)
    {
        var decision = quota.TryConsumeAsync("api", NextKey());
        return decision.IsCompletedSuccessfully ? decision.Result.IsAllowed : decision.AsTask().GetAwaiter().GetResult().IsAllowed;
    }

    private string NextKey() => _keys[_next++ & (KeyCount - 1)];

    private (ServiceProvider, IQuotaService) Start(Action<QuotaBuilder> store)
    {
        var services = new ServiceCollection();
        var quota = services.AddQuota().AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 1_000_000_000_000;
            p.Lease.Enabled = true;
        });
        store(quota);
        var provider = services.BuildServiceProvider();
        var service = provider.GetRequiredService<IQuotaService>();
        for (var i = 0; i < 100 * KeyCount; i++)
        {
            var decision = service.TryConsumeAsync("api", _keys[i & (KeyCount - 1)]);
            if (!decision.IsCompletedSuccessfully)
            {
                decision.AsTask().GetAwaiter().GetResult();
            }
        }

        return (provider, service);
    }
}
