using System.Diagnostics.Metrics;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaMetricsTests
{
    [Fact]
    public async Task Consumed_and_refused_are_published_per_policy_and_meter()
    {
        var measurements = new List<(string Instrument, long Value, string? Policy, string? Meter)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QuotaMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? policy = null, meter = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "quota.policy") policy = tag.Value as string;
                if (tag.Key == "quota.meter") meter = tag.Value as string;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, policy, meter));
            }
        });
        listener.Start();

        var quota = Create(FakeClock.Default(), q => q.AddPolicy("metered", p => { p.Period = "daily"; p.Allowances["requests"] = 1; }));
        await quota.TryConsumeAsync("metered", "alice");
        await quota.TryConsumeAsync("metered", "alice");

        lock (measurements)
        {
            Assert.Contains(("quota.consumed", 1L, "metered", "requests"), measurements);
            Assert.Contains(("quota.refused", 1L, "metered", "requests"), measurements);
        }
    }
}
