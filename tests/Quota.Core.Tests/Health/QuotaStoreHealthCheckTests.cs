using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Quota.Tests.Support;

namespace Quota.Tests.Health;

/// <summary>
/// <c>AddHealthChecks().AddQuotaStore()</c> on the store the application configured: the store's own probe, bounded by
/// the registration's timeout, never throwing for a store failure, degraded when slow, with the store and latency in the data.
/// </summary>
public sealed class QuotaStoreHealthCheckTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task The_in_memory_store_is_healthy_in_the_health_report()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddQuota();
        services.AddHealthChecks().AddQuotaStore();
        using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = report.Entries[QuotaHealthChecksBuilderExtensions.DefaultName];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.StartsWith("The in-memory quota store lives in this process", entry.Description, StringComparison.Ordinal);
        Assert.Equal("InMemoryQuotaStore", entry.Data["store"]);
        Assert.IsType<double>(entry.Data["latencyMs"]);
    }

    [Fact]
    public async Task A_store_that_does_not_probe_itself_is_reported_healthy_as_not_checked()
    {
        var (check, context) = Check(quota => quota.UseStore(_ => new PlainStore()));

        var result = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("PlainStore does not check itself (it does not implement IQuotaStoreHealthProbe), so its health is not known; reported healthy.", result.Description);
    }

    [Fact]
    public async Task The_probe_gets_the_registrations_failure_status_and_nine_tenths_of_its_timeout_and_its_data_is_kept()
    {
        var store = new ProbedStore((context, _) => new(HealthCheckResult.Unhealthy($"locked ({context.FailureStatus}, {context.Timeout.TotalMilliseconds} ms)", data: new Dictionary<string, object> { ["file"] = "/data/quota.db" })));
        var (check, context) = Check(quota => quota.UseStore(_ => store), failureStatus: HealthStatus.Degraded, timeout: TimeSpan.FromSeconds(1));

        var result = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("locked (Degraded, 900 ms)", result.Description);
        Assert.Equal("/data/quota.db", result.Data["file"]);
        Assert.Equal("ProbedStore", result.Data["store"]);
        Assert.Equal(0.0, result.Data["latencyMs"]);
    }

    [Fact]
    public async Task A_probe_that_throws_is_reported_with_the_failure_status_and_its_message()
    {
        var store = new ProbedStore((_, _) => throw new QuotaStoreException("Redis is not connected."));
        var (check, context) = Check(quota => quota.UseStore(_ => store), failureStatus: HealthStatus.Degraded);

        var result = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("ProbedStore failed its probe: Redis is not connected.", result.Description);
        Assert.IsType<QuotaStoreException>(result.Exception);
    }

    [Fact]
    public async Task A_probe_that_ignores_its_token_is_cut_off_at_its_budget_and_reported_as_not_answering()
    {
        var never = new TaskCompletionSource<HealthCheckResult>();
        var store = new ProbedStore((_, _) => new(never.Task));
        var (check, context) = Check(quota => quota.UseStore(_ => store), timeout: TimeSpan.FromSeconds(2));

        var checking = check.CheckHealthAsync(context);
        _time.Advance(TimeSpan.FromMilliseconds(1799));
        Assert.False(checking.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await checking;

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("ProbedStore did not answer within 1800 ms: calls to it are likely to run out of their StoreTimeout too.", result.Description);
        Assert.Equal(1800.0, result.Data["latencyMs"]);
    }

    [Fact]
    public async Task A_store_that_answers_slower_than_the_degraded_latency_is_degraded()
    {
        var store = new ProbedStore((_, _) =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(300));
            return new(HealthCheckResult.Healthy("PONG from 127.0.0.1:6379."));
        });
        var (check, context) = Check(quota => quota.UseStore(_ => store), degradedLatency: TimeSpan.FromMilliseconds(250));

        var result = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("PONG from 127.0.0.1:6379. It answered in 300 ms, slower than the 250 ms expected of it: calls are nearer their StoreTimeout than they should be.", result.Description);
        Assert.Equal(300.0, result.Data["latencyMs"]);
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_check_as_the_health_check_service_expects()
    {
        var store = new ProbedStore((_, token) => new(Task.Delay(Timeout.Infinite, token).ContinueWith(_ => HealthCheckResult.Healthy(), TaskScheduler.Default)));
        var (check, context) = Check(quota => quota.UseStore(_ => store));
        using var caller = new CancellationTokenSource();

        var checking = check.CheckHealthAsync(context, caller.Token);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => checking);
    }

    [Fact]
    public async Task A_store_that_cannot_be_created_is_reported_not_thrown()
    {
        var (check, context) = Check(quota => quota.UseStore(_ => throw new InvalidOperationException("Quota Redis store: set Configuration.")));

        var result = await check.CheckHealthAsync(context);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("The quota store could not be created: Quota Redis store: set Configuration.", result.Description);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(-1, 100)]
    [InlineData(1000, 1000)]
    [InlineData(1000, 0)]
    public void A_timeout_or_degraded_latency_out_of_range_is_refused(int timeoutMs, int degradedMs)
    {
        var builder = new ServiceCollection().AddHealthChecks();

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddQuotaStore(timeout: TimeSpan.FromMilliseconds(timeoutMs), degradedLatency: TimeSpan.FromMilliseconds(degradedMs)));
    }

    private (IHealthCheck Check, HealthCheckContext Context) Check(Action<QuotaBuilder> store, HealthStatus? failureStatus = null, TimeSpan? timeout = null, TimeSpan? degradedLatency = null)
    {
        var services = new ServiceCollection();
        store(services.AddQuota().UseTimeProvider(_time));
        services.AddHealthChecks().AddQuotaStore(failureStatus: failureStatus, timeout: timeout, degradedLatency: degradedLatency);
        var provider = services.BuildServiceProvider();
        var registration = Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        return (registration.Factory(provider), new HealthCheckContext { Registration = registration });
    }

    private sealed class ProbedStore(Func<QuotaStoreHealthContext, CancellationToken, ValueTask<HealthCheckResult>> probe) : PlainStore, IQuotaStoreHealthProbe
    {
        public ValueTask<HealthCheckResult> ProbeAsync(QuotaStoreHealthContext context, CancellationToken cancellationToken) => probe(context, cancellationToken);
    }

    /// <summary>A store that works (in memory underneath) but does not probe itself.</summary>
    private class PlainStore() : DelegatingStore(new InMemoryQuotaStore(FakeClock.FromUtc(2026, 1, 1)));
}
