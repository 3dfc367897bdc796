using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Diagnostics;

/// <summary>
/// A request through <c>UseQuota()</c> seen by an OpenTelemetry pipeline (the SDK and its in-memory exporter): the
/// middleware's counter and Quota.Core's, and the store calls as spans inside ASP.NET Core's request span.
/// </summary>
// OpenTelemetry's providers listen process-wide (every host's meters, every activity of the sources): alone, the test
// reads only its own requests, and the exporter's list is not written by other tests' threads while it is read.
[Collection(TelemetryCollection.Name)]
public sealed class QuotaHttpTelemetryTests
{
    [Fact]
    public async Task A_request_exports_the_pipelines_metrics_and_store_spans_under_the_request_span()
    {
        var metrics = new List<Metric>();
        var spans = new List<Activity>();
        using var meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(QuotaHttpDiagnostics.MeterName, QuotaDiagnostics.MeterName)
            .AddInMemoryExporter(metrics)
            .Build();
        using var traces = Sdk.CreateTracerProviderBuilder()
            .AddSource("Microsoft.AspNetCore", QuotaDiagnostics.ActivitySourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(spans)
            .Build();
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("otel-http", p => { p.Period = "monthly"; p.AnchorMode = QuotaAnchorMode.FirstUse; p.Allowances["requests"] = 1; }),
            endpoints => endpoints.MapGet("/otel", () => "hello").RequireQuota("otel-http"));

        Assert.True((await host.GetAsync("/otel", user: "otel-alice")).IsSuccessStatusCode);
        Assert.False((await host.GetAsync("/otel", user: "otel-alice")).IsSuccessStatusCode);
        meters.ForceFlush();

        Assert.Equal(["allowed", "refused"], Outcomes(metrics, QuotaHttpDiagnostics.RequestsCounterName));
        Assert.Equal(["allowed", "refused"], Outcomes(metrics, QuotaDiagnostics.DecisionsName));

        // The first request stored the subject's anchor and added; both are children of that request's span.
        var ours = spans.Where(s => (string?)s.GetTagItem("quota.policy") == "otel-http").ToList();
        Assert.Equal(["GetOrSetAnchor otel-http", "TryAdd otel-http"], ours.Select(s => s.DisplayName));
        var request = Assert.Single(spans, s => s.SpanId == ours[0].ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.All(ours, s => Assert.Equal(request.SpanId, s.ParentSpanId));
    }

    /// <summary>The <c>quota.outcome</c> of each point of one counter, for the test's policy.</summary>
    private static string[] Outcomes(List<Metric> metrics, string name)
    {
        var outcomes = new List<string>();
        // Every stream of the instrument: each service provider in the process has its own meter of that name, and the
        // SDK exports each as a metric of its own; the test's policy is in one of them.
        foreach (var metric in metrics.Where(m => m.Name == name).Distinct())
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                string? policy = null, outcome = null;
                foreach (var tag in point.Tags)
                {
                    policy = tag.Key == "quota.policy" ? tag.Value as string : policy;
                    outcome = tag.Key == "quota.outcome" ? tag.Value as string : outcome;
                }

                if (policy == "otel-http" && point.GetSumLong() == 1)
                {
                    outcomes.Add(outcome!);
                }
            }
        }

        return [.. outcomes.Order(StringComparer.Ordinal)];
    }
}
