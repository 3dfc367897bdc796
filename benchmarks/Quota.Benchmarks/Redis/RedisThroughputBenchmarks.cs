using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Quota.Benchmarks.Redis;

/// <summary>
/// 64 concurrent callers on one connection (StackExchange.Redis pipelines their commands), each making
/// <see cref="CallsPerCaller"/> calls in a row; time per call. The floor is raw pipelined HINCRBY. Target: Quota's
/// throughput at least 0.8× the floor's, i.e. a ratio of at most 1.25.
/// </summary>
[MemoryDiagnoser]
public class RedisThroughputBenchmarks
{
    private const int Callers = 64;
    private const int CallsPerCaller = 50;
    private const int Calls = Callers * CallsPerCaller;

    /// <summary>The least any Lua script that counts can cost: one HINCRBY inside EVALSHA.</summary>
    private const string LuaFloor = "return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])";
    private static readonly RedisKey[] RawKeys = Enumerable.Range(0, 8).Select(i => (RedisKey)("bench:raw:" + i)).ToArray();
    private static readonly string[] Subjects = Enumerable.Range(0, 8).Select(i => "org-" + i).ToArray();

    private RedisBenchmarkServer _server = null!;
    private ConnectionMultiplexer _raw = null!;
    private IDatabase _database = null!;
    private RedisQuotaSetup _quota = null!;
    private byte[] _floorScript = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = RedisBenchmarkServer.Start();
        _raw = _server.Connect();
        _database = _raw.GetDatabase();
        _quota = new RedisQuotaSetup(_server.Configuration);
        _quota.WarmUp();
        _floorScript = (byte[])_raw.GetServer(_raw.GetEndPoints()[0]).ScriptLoad(LuaFloor);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _quota.Dispose();
        _raw.Close(allowCommandsToComplete: false);
        _raw.Dispose();
        _server.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls, Description = "raw HINCRBY, 64 callers pipelined")]
    public Task RawHashIncrement() => Run(async caller =>
    {
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await _database.HashIncrementAsync(RawKeys[caller % 8], "requests", 1);
        }
    });

    [Benchmark(OperationsPerInvoke = Calls, Description = "Lua floor: EVALSHA of one HINCRBY, 64 callers")]
    public Task LuaFloorScript() => Run(async caller =>
    {
        RedisKey[] keys = [RawKeys[caller % 8]];
        RedisValue[] args = ["requests", 1];
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await _database.ScriptEvaluateAsync(_floorScript, keys, args);
        }
    });

    [Benchmark(OperationsPerInvoke = Calls, Description = "TryConsumeAsync 1 meter, 64 callers")]
    public Task ConsumeOneMeter() => Run(async caller =>
    {
        var key = Subjects[caller % 8];
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await _quota.Quota.TryConsumeAsync(RedisQuotaSetup.OneMeter, key);
        }
    });

    [Benchmark(OperationsPerInvoke = Calls, Description = "TryConsumeAsync 2 meters, 64 callers")]
    public Task ConsumeTwoMeters() => Run(async caller =>
    {
        var key = Subjects[caller % 8];
        for (var i = 0; i < CallsPerCaller; i++)
        {
            await _quota.Quota.TryConsumeAsync(RedisQuotaSetup.TwoMeters, key, _quota.TwoMeterAmounts);
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
