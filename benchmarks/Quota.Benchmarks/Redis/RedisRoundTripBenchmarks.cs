using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Quota.Benchmarks.Redis;

/// <summary>
/// One caller, one call at a time: Quota's consume on Redis (one Lua script, one round trip) against the floor, a raw
/// HINCRBY round trip on the same loopback server. Target: at most 1.2× the floor.
/// </summary>
[MemoryDiagnoser]
public class RedisRoundTripBenchmarks : RedisBenchmarkBase
{
    private static readonly RedisKey[] FloorKeys = ["bench:floor"];
    private static readonly RedisValue[] FloorArgs = ["requests", 1];

    [Benchmark(Baseline = true, Description = "raw HINCRBY round trip")]
    public Task<long> RawHashIncrement() => Database.HashIncrementAsync("bench:raw", "requests", 1);

    [Benchmark(Description = "Lua floor: EVALSHA of one HINCRBY")]
    public Task<RedisResult> LuaFloorScript() => Database.ScriptEvaluateAsync(FloorScript, FloorKeys, FloorArgs);

    [Benchmark(Description = "TryConsumeAsync, 1 meter")]
    public async Task<bool> ConsumeOneMeter()
        => (await Quota.Quota.TryConsumeAsync(RedisQuotaSetup.OneMeter, "org-1")).IsAllowed;

    [Benchmark(Description = "TryConsumeAsync, 2 meters")]
    public async Task<bool> ConsumeTwoMeters()
        => (await Quota.Quota.TryConsumeAsync(RedisQuotaSetup.TwoMeters, "org-1", Quota.TwoMeterAmounts)).IsAllowed;
}
