using BenchmarkDotNet.Attributes;
using Quota.Stores.Redis;
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

    /// <summary>Gets the store's consume script, to run it bare: what one script per consume costs without Quota around it.</summary>
    private protected static RedisScript ConsumeScript => RedisScript.TryAdd;

    /// <summary>Returns try_add.lua's ARGV for a one-meter consume of one request under a limit it never reaches.</summary>
    protected static RedisValue[] ConsumeArguments()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var expires = now + (long)TimeSpan.FromDays(40).TotalMilliseconds;
        return [now, expires, expires - now + 60_000, "L", "requests", 1, (long.MaxValue / 2) - 1];
    }

    private protected RedisQuotaSetup Quota { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = RedisBenchmarkServer.Start();
        _raw = _server.Connect();
        Database = _raw.GetDatabase();
        FloorScript = _raw.GetServer(_raw.GetEndPoints()[0]).ScriptLoad(LuaFloor);
        _raw.GetServer(_raw.GetEndPoints()[0]).ScriptLoad(ConsumeScript.Text);
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
