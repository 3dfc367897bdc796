using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Quota.Benchmarks.Redis;

/// <summary>
/// One caller, one call at a time: Quota's consume on Redis (one Lua script, one round trip) against the floor, a raw
/// HINCRBY round trip on the same loopback server. Target: at most 1.2× the floor.
/// </summary>
[MemoryDiagnoser]
public class RedisRoundTripBenchmarks
{
    private RedisBenchmarkServer _server = null!;
    private ConnectionMultiplexer _raw = null!;
    private IDatabase _database = null!;
    private RedisQuotaSetup _quota = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = RedisBenchmarkServer.Start();
        _raw = _server.Connect();
        _database = _raw.GetDatabase();
        _quota = new RedisQuotaSetup(_server.Configuration);
        _quota.WarmUp();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _quota.Dispose();
        _raw.Close(allowCommandsToComplete: false);
        _raw.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw HINCRBY round trip")]
    public Task<long> RawHashIncrement() => _database.HashIncrementAsync("bench:raw", "requests", 1);

    [Benchmark(Description = "TryConsumeAsync, 1 meter")]
    public async Task<bool> ConsumeOneMeter()
        => (await _quota.Quota.TryConsumeAsync(RedisQuotaSetup.OneMeter, "org-1")).IsAllowed;

    [Benchmark(Description = "TryConsumeAsync, 2 meters")]
    public async Task<bool> ConsumeTwoMeters()
        => (await _quota.Quota.TryConsumeAsync(RedisQuotaSetup.TwoMeters, "org-1", _quota.TwoMeterAmounts)).IsAllowed;
}
