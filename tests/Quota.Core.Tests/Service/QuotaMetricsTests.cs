using NodaTime.Testing;
using System.Diagnostics.Metrics;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaMetricsTests
{
    [Fact]
    public async Task Consumed_and_refused_are_published_per_policy_and_meter()
    {
        using var recorder = new Recorder();
        var quota = Create(FakeClock.FromUtc(2026, 1, 1), q => q.AddPolicy("metered", p => { p.Period = "daily"; p.Allowances["requests"] = 1; }));
        await quota.TryConsumeAsync("metered", "alice");
        await quota.TryConsumeAsync("metered", "alice");

        Assert.Contains(("quota.consumed", 1L, "metered", "requests"), recorder.Measurements);
        Assert.Contains(("quota.refused", 1L, "metered", "requests"), recorder.Measurements);
    }

    [Fact]
    public async Task An_add_past_long_MaxValue_is_neither_consumed_nor_a_store_failure()
    {
        using var recorder = new Recorder();
        var quota = Create(FakeClock.FromUtc(2026, 1, 1), q => q.AddPolicy("overflowing", p =>
        {
            p.Period = "daily";
            p.FailureMode = QuotaFailureMode.FailOpen;
            p.Allowances["requests"] = 10;
        }));
        await quota.TryConsumeAsync("overflowing", "alice", Amounts(("requests", 1), ("bytes", long.MaxValue)));
        var before = recorder.Of("overflowing");

        await Assert.ThrowsAsync<QuotaOverflowException>(async () => await quota.TryConsumeAsync("overflowing", "alice", Amounts(("requests", 1), ("bytes", 1))));
        await Assert.ThrowsAsync<QuotaOverflowException>(async () => await quota.RecordAsync("overflowing", "alice", Amounts(("bytes", 1))));

        Assert.Equal(before, recorder.Of("overflowing"));
        Assert.DoesNotContain(recorder.Of("overflowing"), m => m.Instrument == "quota.store.failures");
    }

    /// <summary>Records every measurement of Quota's instruments while it lives.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, long Value, string? Policy, string? Meter)> _measurements = [];

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == QuotaMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                string? policy = null, meter = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "quota.policy") policy = tag.Value as string;
                    if (tag.Key == "quota.meter") meter = tag.Value as string;
                }

                lock (_measurements)
                {
                    _measurements.Add((instrument.Name, value, policy, meter));
                }
            });
            _listener.Start();
        }

        public (string Instrument, long Value, string? Policy, string? Meter)[] Measurements
        {
            get
            {
                lock (_measurements)
                {
                    return [.. _measurements];
                }
            }
        }

        /// <summary>Returns the measurements of one policy (test classes run in parallel, and the listener hears them all).</summary>
        public (string Instrument, long Value, string? Policy, string? Meter)[] Of(string policy) => [.. Measurements.Where(m => m.Policy == policy)];

        public void Dispose() => _listener.Dispose();
    }
}
