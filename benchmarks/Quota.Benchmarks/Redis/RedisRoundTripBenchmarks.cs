using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Quota.Benchmarks.Redis;

/// <summary>
/// One caller, one call at a time: Quota's consume on Redis (one Lua script, one round trip) against the floor, a raw
/// HINCRBY round trip on the same loopback server. Target: at most 1.15× the floor. The bare consume script, sent by
/// its SHA-1 and by its text (StackExchange.Redis's own script cache), shows what the script costs the server and what
/// the library's cache costs the client.
/// </summary>
[MemoryDiagnoser]
public class RedisRoundTripBenchmarks : RedisBenchmarkBase
{
    private static readonly RedisKey[] FloorKeys = ["bench:floor"];
    private static readonly RedisValue[] FloorArgs = ["requests", 1];
    private static readonly RedisKey[] ConsumeKeys = ["bench:{consume}:c", "bench:{consume}:ids"];
    private static readonly RedisValue[] ConsumeArgs = ConsumeArguments();

    [Benchmark(Baseline = true, Description = "raw HINCRBY round trip")]
    public Task<long> RawHashIncrement() => Database.HashIncrementAsync("bench:raw", "requests", 1);

    [Benchmark(Description = "Lua floor: EVALSHA of one HINCRBY")]
    public Task<RedisResult> LuaFloorScript() => Database.ScriptEvaluateAsync(FloorScript, FloorKeys, FloorArgs);

    [Benchmark(Description = "try_add.lua bare, by SHA-1 (EVALSHA)")]
    public Task<RedisResult> ConsumeScriptByHash() => Database.ScriptEvaluateAsync(ConsumeScript.Hash, ConsumeKeys, ConsumeArgs);

    [Benchmark(Description = "try_add.lua bare, by text (library's script cache)")]
    public Task<RedisResult> ConsumeScriptByText() => Database.ScriptEvaluateAsync(ConsumeScript.Text, ConsumeKeys, ConsumeArgs);

    [Benchmark(Description = "TryConsumeAsync, 1 meter")]
    public async Task<bool> ConsumeOneMeter()
        => (await Quota.Quota.TryConsumeAsync(RedisQuotaSetup.OneMeter, "org-1")).IsAllowed;

    [Benchmark(Description = "TryConsumeAsync, 2 meters")]
    public async Task<bool> ConsumeTwoMeters()
        => (await Quota.Quota.TryConsumeAsync(RedisQuotaSetup.TwoMeters, "org-1", Quota.TwoMeterAmounts)).IsAllowed;
}
