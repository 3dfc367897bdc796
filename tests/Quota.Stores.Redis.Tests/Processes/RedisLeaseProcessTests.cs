using NodaTime.Testing;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;
using Quota.Tests.Support;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Quota.Tests.Processes;

/// <summary>Leased allowances across OS processes on one Redis (see <see cref="LeaseProcessScenarios"/>), each test under a policy of its own.</summary>
public abstract class RedisLeaseProcessTests(ITestOutputHelper output)
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 15, 12, 0);
    private readonly string _policy = "lease-" + Guid.NewGuid().ToString("N");

    protected abstract string Configuration { get; }

    protected abstract IConnectionMultiplexer Connection { get; }

    [Fact]
    public Task Four_processes_granting_from_blocks_are_granted_exactly_the_allowance()
        => LeaseProcessScenarios.ExactTotalsAsync(StartAsync, ReadAsync, output);

    [Fact]
    public Task A_process_killed_mid_run_never_causes_a_grant_past_the_allowance_and_costs_at_most_its_block()
        => LeaseProcessScenarios.KilledMidRunAsync(StartAsync, ReadAsync, output);

    private Task<WorkerProcess> StartAsync(string mode, int attempts)
        => WorkerProcess.StartAsync(LeaseProcessScenarios.Arguments(mode, "redis=" + Configuration, _policy, Now, attempts));

    private async Task<(long Used, long Held)> ReadAsync()
    {
        using var store = TestStores.On(Connection, new FakeClock(Now));
        var counter = new QuotaCounterKey(_policy, "shared", Instant.FromUtc(2026, 1, 1, 0, 0));
        return ((await store.ReadAsync(counter)).GetValueOrDefault("requests"), (await store.ReadCountersAsync([counter]))[0].Reserved.GetValueOrDefault("requests"));
    }
}

/// <summary>On one Redis node.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisNodeLeaseProcessTests(RedisServerFixture redis, ITestOutputHelper output) : RedisLeaseProcessTests(output)
{
    protected override string Configuration => redis.Configuration;

    protected override IConnectionMultiplexer Connection => redis.Main;
}

/// <summary>On the 3-node Redis Cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterLeaseProcessTests(RedisClusterFixture cluster, ITestOutputHelper output) : RedisLeaseProcessTests(output)
{
    protected override string Configuration => cluster.Configuration;

    protected override IConnectionMultiplexer Connection => cluster.Main;
}
