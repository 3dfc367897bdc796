using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Quota.Benchmarks.Redis;

/// <summary>
/// 64 concurrent callers on one connection (StackExchange.Redis pipelines their commands), each making
/// <see cref="CallsPerCaller"/> calls in a row over 8 subjects; time per call. The floor is raw pipelined HINCRBY.
/// Target: a time per call at most 1.1× the floor's (at least 0.9× its throughput). "try_add.lua per consume" is the
/// plain design without batching: the store's consume script sent once per call, pipelined, with no Quota around it.
/// </summary>
[MemoryDiagnoser]
public class RedisThroughputBenchmarks : RedisBenchmarkBase
{
    private const int Callers = 64;
    private const int CallsPerCaller = 50;
    private const int Calls = Callers * CallsPerCaller;
    private static readonly RedisKey[] RawKeys = Enumerable.Range(0, 8).Select(i => (RedisKey)("bench:raw:" + i)).ToArray();
    private static readonly string[] Subjects = Enumerable.Range(0, 8).Select(i => "org-" + i).ToArray();

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls, Description = "raw HINCRBY, 64 callers pipelined")]
    public Task RawHashIncrement() => Run(async caller =>
    {
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await Database.HashIncrementAsync(RawKeys[caller % 8], "requests", 1);
        }
    });

    [Benchmark(OperationsPerInvoke = Calls, Description = "Lua floor: EVALSHA of one HINCRBY, 64 callers")]
    public Task LuaFloorScript() => Run(async caller =>
    {
        RedisKey[] keys = [RawKeys[caller % 8]];
        RedisValue[] args = ["requests", 1];
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await Database.ScriptEvaluateAsync(FloorScript, keys, args);
        }
    });

    [Benchmark(OperationsPerInvoke = Calls, Description = "try_add.lua per consume, 64 callers pipelined")]
    public Task ConsumeScriptPerCall() => Run(async caller =>
    {
        RedisKey[] keys = ["bench:{consume-" + (caller % 8) + "}:c", "bench:{consume-" + (caller % 8) + "}:ids"];
        var args = ConsumeArguments();
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await Database.ScriptEvaluateAsync(ConsumeScript.Hash, keys, args);
        }
    });

    [Benchmark(OperationsPerInvoke = Calls, Description = "TryConsumeAsync 1 meter, 64 callers")]
    public Task ConsumeOneMeter() => Run(async caller =>
    {
        var key = Subjects[caller % 8];
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await Quota.Quota.TryConsumeAsync(RedisQuotaSetup.OneMeter, key);
        }
    });

    [Benchmark(OperationsPerInvoke = Calls, Description = "TryConsumeAsync 2 meters, 64 callers")]
    public Task ConsumeTwoMeters() => Run(async caller =>
    {
        var key = Subjects[caller % 8];
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await Quota.Quota.TryConsumeAsync(RedisQuotaSetup.TwoMeters, key, Quota.TwoMeterAmounts);
        }
    });

    private static Task Run(Func<int, Task> caller)
    {
        var tasks = new Task[Callers];
        for (var i = 0; i < Callers; i++)
        {
            tasks[i] = caller(i);
        }

        return Task.WhenAll(tasks);
    }
}
