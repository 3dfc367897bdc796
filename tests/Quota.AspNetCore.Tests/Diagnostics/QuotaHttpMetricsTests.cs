using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Diagnostics;

public sealed class QuotaHttpMetricsTests
{
    [Fact]
    public async Task Requests_are_counted_per_policy_and_result()
    {
        var measurements = new ConcurrentQueue<(long Value, string Policy, string Result)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QuotaHttpDiagnostics.MeterName && instrument.Name == QuotaHttpDiagnostics.RequestsCounterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? policy = null, result = null;
            foreach (var tag in tags)
            {
                policy = tag.Key == "quota.policy" ? (string?)tag.Value : policy;
                result = tag.Key == "quota.result" ? (string?)tag.Value : result;
            }

            if (policy is "metrics-hello" or "metrics-trial")
            {
                measurements.Enqueue((value, policy, result!));
            }
        });
        listener.Start();

        await using var host = await QuotaTestHost.StartAsync(
            quota => quota
                .AddPolicy("metrics-hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; })
                .AddPolicy("metrics-trial", p => { p.Period = "monthly"; p.Allowances["requests"] = 0; p.Enforcement = QuotaEnforcement.Shadow; }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("metrics-trial", "metrics-hello"));
        await host.GetAsync("/hello");
        await host.GetAsync("/hello");
        await host.GetAsync("/hello", user: null);

        var seen = measurements.Select(m => $"{m.Policy}:{m.Result}:{m.Value}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            [
                "metrics-hello:allowed:1",
                "metrics-hello:refused:1",
                "metrics-hello:unauthenticated:1",
                "metrics-trial:shadow_refused:1",
                "metrics-trial:shadow_refused:1",
            ],
            seen);
    }
}
