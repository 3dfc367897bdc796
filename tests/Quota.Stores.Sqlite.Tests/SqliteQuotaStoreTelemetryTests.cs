using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Quota.Tests.Support;

namespace Quota.Tests;

/// <summary>
/// Quota's telemetry through an OpenTelemetry pipeline (the SDK and its in-memory exporter), as an application that
/// adds <c>AddMeter("Quota")</c> and <c>AddSource("Quota")</c> receives it: consumes against a SQLite file become
/// decisions, amounts, store-call durations and client spans that name the database.
/// </summary>
// OpenTelemetry's providers listen process-wide (every host's meters, every activity of the sources): alone, the test
// reads only its own requests, and the exporter's list is not written by other tests' threads while it is read.
[Collection(TelemetryCollection.Name)]
public sealed class SqliteQuotaStoreTelemetryTests : SqliteFileTest
{
    [Fact]
    public async Task A_consume_against_SQLite_exports_metrics_and_spans()
    {
        var metrics = new List<Metric>();
        var spans = new List<Activity>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(QuotaDiagnostics.MeterName).AddInMemoryExporter(metrics).Build();
        using var traces = Sdk.CreateTracerProviderBuilder().AddSource(QuotaDiagnostics.ActivitySourceName).SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans).Build();
        var services = new ServiceCollection().AddSingleton<IClock>(Clock);
        services.AddQuota()
            .AddPolicy("otel-sqlite", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; })
            .UseSqliteStore(Database.ConnectionString);
        await using var provider = services.BuildServiceProvider();
        var quota = provider.GetRequiredService<IQuotaService>();

        Assert.True((await quota.TryConsumeAsync("otel-sqlite", "alice")).IsAllowed);
        Assert.False((await quota.TryConsumeAsync("otel-sqlite", "alice")).IsAllowed);
        meters.ForceFlush();

        Assert.Equal(["allowed", "refused"], Points(metrics, QuotaDiagnostics.DecisionsName).Select(p => (string)p.Tags["quota.outcome"]!).Order(StringComparer.Ordinal));
        Assert.Equal(1, Assert.Single(Points(metrics, QuotaDiagnostics.AmountName)).Sum);
        var storeCalls = Points(metrics, QuotaDiagnostics.StoreCallDurationName);
        Assert.Equal(["GetOrSetAnchor", "TryAdd"], storeCalls.Select(p => (string)p.Tags["db.operation.name"]!).Order(StringComparer.Ordinal));
        Assert.All(storeCalls, p => Assert.Equal("sqlite", p.Tags["db.system.name"]));
        Assert.Equal(3, storeCalls.Sum(p => p.Sum));
        var histogram = metrics.Last(m => m.Name == QuotaDiagnostics.StoreCallDurationName);
        Assert.Equal("s", histogram.Unit);
        Assert.Equal(MetricType.Histogram, histogram.MetricType);
        Assert.Equal(0.00001, Bounds(histogram).First());   // the advice's sub-millisecond buckets, not the SDK's defaults

        var ours = spans.Where(s => (string?)s.GetTagItem("quota.policy") == "otel-sqlite").ToList();
        Assert.Equal(["GetOrSetAnchor otel-sqlite", "TryAdd otel-sqlite", "TryAdd otel-sqlite"], ours.Select(s => s.DisplayName).Order(StringComparer.Ordinal));
        Assert.All(ours, s =>
        {
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal("sqlite", s.GetTagItem("db.system.name"));
            Assert.Equal(ActivityStatusCode.Unset, s.Status);
        });
    }

    /// <summary>The points of one instrument for the test's policy: each point's attributes, and its sum (or count, for a histogram).</summary>
    private static List<(Dictionary<string, object?> Tags, double Sum)> Points(List<Metric> metrics, string name)
    {
        var points = new List<(Dictionary<string, object?> Tags, double Sum)>();
        // Every stream of the instrument: each service provider in the process has its own meter of that name, and the
        // SDK exports each as a metric of its own; the test's policy is in one of them.
        foreach (var metric in metrics.Where(m => m.Name == name).Distinct())
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                if (tags.GetValueOrDefault("quota.policy") is "otel-sqlite")
                {
                    points.Add((tags, metric.MetricType == MetricType.Histogram ? point.GetHistogramCount() : point.GetSumLong()));
                }
            }
        }

        return points;
    }

    private static IEnumerable<double> Bounds(Metric histogram)
    {
        var bounds = new List<double>();
        foreach (ref readonly var point in histogram.GetMetricPoints())
        {
            foreach (var bucket in point.GetHistogramBuckets())
            {
                bounds.Add(bucket.ExplicitBound);
            }

            break;
        }

        return bounds;
    }
}
