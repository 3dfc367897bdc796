using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Diagnostics;

/// <summary>The middleware's counter, read on the test host's own meter factory.</summary>
public sealed class QuotaHttpMetricsTests
{
    [Fact]
    public async Task Requests_are_counted_per_policy_and_outcome()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota
                .AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; })
                .AddPolicy("trial", p => { p.Period = "monthly"; p.Allowances["requests"] = 0; p.Enforcement = QuotaEnforcement.Shadow; }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("trial", "hello"));
        using var requests = Collect(host);

        await host.GetAsync("/hello");
        await host.GetAsync("/hello");
        await host.GetAsync("/hello", user: null);

        Assert.Equal("{request}", requests.Instrument!.Unit);
        Assert.Equal(
            [
                "hello:allowed:1",
                "hello:refused:1",
                "hello:unauthenticated:1",
                "trial:shadow_refused:1",
                "trial:shadow_refused:1",
            ],
            requests.GetMeasurementSnapshot().Select(m => $"{m.Tags["quota.policy"]}:{m.Tags["quota.outcome"]}:{m.Value}").Order(StringComparer.Ordinal));
        Assert.All(requests.GetMeasurementSnapshot(), m => Assert.False(m.Tags.ContainsKey("error.type")));
    }

    [Theory]
    [InlineData(QuotaFailureMode.FailOpen, false, "failed_open", "System.IO.IOException")]
    [InlineData(QuotaFailureMode.FailClosed, true, "failed_closed", "timeout")]
    public async Task A_failed_store_is_counted_with_its_error_type(QuotaFailureMode mode, bool hang, string outcome, string errorType)
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota
                .AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 10; p.FailureMode = mode; p.StoreTimeout = TimeSpan.FromMilliseconds(200); })
                .UseStore(_ => new FaultyStore(hang)),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));
        using var requests = Collect(host);

        await host.GetAsync("/hello");

        var counted = Assert.Single(requests.GetMeasurementSnapshot());
        Assert.Equal(outcome, counted.Tags["quota.outcome"]);
        Assert.Equal(errorType, counted.Tags["error.type"]);
    }

    private static MetricCollector<long> Collect(QuotaTestHost host)
        => new(host.Services.GetRequiredService<IMeterFactory>(), QuotaHttpDiagnostics.MeterName, QuotaHttpDiagnostics.RequestsCounterName);
}
