using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Quota.Benchmarks.Core;

/// <summary>
/// The hot path of Quota.Core: one consume on the in-memory store, with the calendar cycle and per-key state
/// included, against an Interlocked.Add floor and the peer, PartitionedRateLimiter's fixed window per key. Every policy
/// shape's one-meter consume has a row: one meter, <c>requests</c> alone on a policy that also limits <c>tokens</c>, a
/// calendar policy (a leased policy's row is in <c>LeasedConsumeBenchmarks</c>, whose background store calls would
/// disturb these rows).
/// Every benchmark rotates over the same 1,024 subject keys.
/// </summary>
[MemoryDiagnoser]
public class InMemoryConsumeBenchmarks
{
    private const int KeyCount = 1024;
    private static readonly Dictionary<string, long> TwoMeters = new() { ["requests"] = 1, ["tokens"] = 250 };

    private string[] _keys = [];
    private long _counter;
    private int _next;
    private PartitionedRateLimiter<string> _peer = null!;
    private IQuotaService _quota = null!;
    private ServiceProvider _provider = null!;

    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, KeyCount).Select(i => "user-" + i).ToArray();
        _peer = PeerLimiter.Create();

        var services = new ServiceCollection();
        services.AddQuota().AddPolicy("api", p =>
        {
            // First-use monthly anchors: a calendar-correct cycle per subject, with per-key state.
            p.Period = "monthly";
            p.Allowances["requests"] = 1_000_000_000_000;
            p.Allowances["tokens"] = 1_000_000_000_000;
        }).AddPolicy("single", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 1_000_000_000_000;
        }).AddPolicy("calendar", p =>
        {
            p.Period = "monthly";
            p.AnchorMode = QuotaAnchorMode.Calendar;
            p.Allowances["requests"] = 1_000_000_000_000;
        });
        _provider = services.BuildServiceProvider();
        _quota = _provider.GetRequiredService<IQuotaService>();

        // Warm every key so the benchmark measures the steady state, not first use.
        foreach (var key in _keys)
        {
            _quota.TryConsumeAsync("single", key).AsTask().GetAwaiter().GetResult();
            _quota.TryConsumeAsync("api", key, TwoMeters).AsTask().GetAwaiter().GetResult();
            _quota.TryConsumeAsync("calendar", key).AsTask().GetAwaiter().GetResult();
            _peer.AttemptAcquire(key).Dispose();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _peer.Dispose();
        _provider.Dispose();
    }

    private string NextKey() => _keys[_next++ & (KeyCount - 1)];

    [Benchmark(Description = "Interlocked.Add (floor)")]
    public long InterlockedAdd() => Interlocked.Add(ref _counter, 1);

    [Benchmark(Baseline = true, Description = "PartitionedRateLimiter fixed window, per key (peer)")]
    public bool PartitionedFixedWindow()
    {
        using var lease = _peer.AttemptAcquire(NextKey());
        return lease.IsAcquired;
    }

    [Benchmark(Description = "Quota TryConsumeAsync, one meter (in-memory)")]
    public bool QuotaOneMeter()
    {
        var decision = _quota.TryConsumeAsync("single", NextKey());
        return decision.IsCompletedSuccessfully ? decision.Result.IsAllowed : decision.AsTask().GetAwaiter().GetResult().IsAllowed;
    }

    [Benchmark(Description = "Quota TryConsumeAsync, requests alone, policy also limits tokens (in-memory)")]
    public bool QuotaRequestsOfTwoMeterPolicy()
    {
        var decision = _quota.TryConsumeAsync("api", NextKey());
        return decision.IsCompletedSuccessfully ? decision.Result.IsAllowed : decision.AsTask().GetAwaiter().GetResult().IsAllowed;
    }

    [Benchmark(Description = "Quota TryConsumeAsync, one meter, calendar policy (in-memory)")]
    public bool QuotaCalendar()
    {
        var decision = _quota.TryConsumeAsync("calendar", NextKey());
        return decision.IsCompletedSuccessfully ? decision.Result.IsAllowed : decision.AsTask().GetAwaiter().GetResult().IsAllowed;
    }

    [Benchmark(Description = "Quota TryConsumeAsync, two meters (in-memory)")]
    public bool QuotaTwoMeters()
    {
        var decision = _quota.TryConsumeAsync("api", NextKey(), TwoMeters);
        return decision.IsCompletedSuccessfully ? decision.Result.IsAllowed : decision.AsTask().GetAwaiter().GetResult().IsAllowed;
    }
}
