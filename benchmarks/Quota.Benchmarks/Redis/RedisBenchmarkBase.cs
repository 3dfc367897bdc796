using BenchmarkDotNet.Attributes;
using StackExchange.Redis;

namespace Quota.Benchmarks.Redis;

/// <summary>
/// What every Redis benchmark shares: a server, a raw connection for the floors, the Lua floor script, and Quota on
/// Redis with its two calendar-anchored policies, warmed up so the first measured call is typical.
/// </summary>
public abstract class RedisBenchmarkBase
{
    /// <summary>The least any Lua script that counts can cost: one HINCRBY inside EVALSHA.</summary>
    private const string LuaFloor = "return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])";

    private RedisBenchmarkServer _server = null!;
    private ConnectionMultiplexer _raw = null!;

    protected IDatabase Database { get; private set; } = null!;

    protected byte[] FloorScript { get; private set; } = null!;

    private protected RedisQuotaSetup Quota { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = RedisBenchmarkServer.Start();
        _raw = _server.Connect();
        Database = _raw.GetDatabase();
        FloorScript = _raw.GetServer(_raw.GetEndPoints()[0]).ScriptLoad(LuaFloor);
        Quota = new RedisQuotaSetup(_server.Configuration);
        Quota.WarmUp();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Quota.Dispose();
        _raw.Close(allowCommandsToComplete: false);
        _raw.Dispose();
        _server.Dispose();
    }
}
