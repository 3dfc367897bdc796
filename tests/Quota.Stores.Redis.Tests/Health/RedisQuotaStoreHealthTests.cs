using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quota.Tests.Infrastructure;

namespace Quota.Tests.Health;

/// <summary>
/// The Redis store's health through <c>AddHealthChecks().AddQuotaStore()</c>: PING to every node that holds data, through
/// the store's own connection. Each test starts (and stops) its own servers, a cluster among them, so the class runs
/// alone: its servers' start-up would otherwise disturb the timing of the batch tests that pause theirs.
/// </summary>
[Collection(RedisHealthCollection.Name)]
public sealed class RedisQuotaStoreHealthTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a check may take before the test calls it a hang: its timeout plus generous slack.</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_server_that_answers_is_healthy_and_a_stopped_one_is_unhealthy_until_it_is_back()
    {
        using var server = await RedisServer.StartAsync();
        using var provider = Provider(server.EndPoint);
        await EventuallyAsync(provider, HealthStatus.Healthy);

        var healthy = await CheckAsync(provider);
        Assert.StartsWith($"Redis at {server.EndPoint} answered PING in ", healthy.Description, StringComparison.Ordinal);
        Assert.StartsWith($"{server.EndPoint} ", (string)healthy.Data["endpoints"], StringComparison.Ordinal);
        Assert.Equal("RedisQuotaStore", healthy.Data["store"]);

        server.Kill();
        var stopped = await EventuallyAsync(provider, HealthStatus.Unhealthy);
        // "not connected" once the client has noticed; before that, the error of the PING that found the socket closed.
        Assert.StartsWith($"Redis at {server.EndPoint} (", stopped.Description, StringComparison.Ordinal);
        Assert.EndsWith(") did not answer PING: every call fails, and each policy's failure mode decides it.", stopped.Description, StringComparison.Ordinal);
        Assert.StartsWith($"{server.EndPoint} ", (string)stopped.Data["endpoints"], StringComparison.Ordinal);

        await server.RestartAsync();
        await EventuallyAsync(provider, HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_server_down_at_start_up_is_reported_without_stopping_the_app_or_waiting()
    {
        using var server = await RedisServer.StartAsync();
        server.Kill();
        using var provider = Provider(server.EndPoint, failureStatus: HealthStatus.Degraded);

        var entry = await CheckAsync(provider).WaitAsync(NoHang);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains(server.EndPoint, entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frozen_server_is_reported_as_not_answering_within_the_checks_timeout()
    {
        using var server = await RedisServer.StartAsync();
        using var provider = Provider(server.EndPoint);
        await EventuallyAsync(provider, HealthStatus.Healthy);
        await server.PauseAsync();
        try
        {
            var started = DateTime.UtcNow;
            var entry = await CheckAsync(provider).WaitAsync(NoHang);

            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Equal($"Redis at {server.EndPoint} (no answer within 1440 ms) did not answer PING: every call fails, and each policy's failure mode decides it.", entry.Description);
            Assert.True(DateTime.UtcNow - started < Timeout, $"the check took {DateTime.UtcNow - started}, more than its timeout");
        }
        finally
        {
            await server.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_cluster_is_healthy_when_every_primary_answers_and_names_the_one_that_stopped()
    {
        var cluster = new RedisClusterFixture();
        await cluster.InitializeAsync();
        try
        {
            using var provider = Provider(cluster.Configuration);
            await EventuallyAsync(provider, HealthStatus.Healthy);
            var healthy = await CheckAsync(provider);
            Assert.Equal("Every Redis node that holds data (3) answered PING.", healthy.Description);
            Assert.All(cluster.Nodes, node => Assert.Contains(node.EndPoint, (string)healthy.Data["endpoints"], StringComparison.Ordinal));

            var stopped = cluster.Nodes[1];
            stopped.Kill();
            var entry = await EventuallyAsync(provider, HealthStatus.Unhealthy);

            Assert.StartsWith($"Redis node(s) {stopped.EndPoint} (", entry.Description, StringComparison.Ordinal);
            Assert.EndsWith(") did not answer PING (2 of 3 did): calls for subjects whose keys live there fail, and each policy's failure mode decides them.", entry.Description, StringComparison.Ordinal);
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[QuotaHealthChecksBuilderExtensions.DefaultName];
    }

    /// <summary>Checks until the status is reached (the client connects and notices a lost connection in the background).</summary>
    private static async Task<HealthReportEntry> EventuallyAsync(IServiceProvider provider, HealthStatus status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var entry = await CheckAsync(provider);
            if (entry.Status == status)
            {
                return entry;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {entry.Status} after 30 s: {entry.Description}");
            await Task.Delay(50);
        }
    }

    private static ServiceProvider Provider(string configuration, HealthStatus? failureStatus = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddQuota().AddPolicy("api", QuotaPeriod.Monthly, ("requests", 10)).UseRedisStore(configuration);
        services.AddHealthChecks().AddQuotaStore(failureStatus: failureStatus, timeout: Timeout, degradedLatency: Timeout * 0.75);
        return services.BuildServiceProvider();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RedisHealthCollection
{
    public const string Name = "redis-health";
}
