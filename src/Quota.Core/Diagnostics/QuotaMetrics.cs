using System.Diagnostics.Metrics;

namespace Quota;

/// <summary>The <see cref="System.Diagnostics.Metrics"/> instruments Quota publishes. Listen to <see cref="MeterName"/>.</summary>
public sealed class QuotaMetrics : IDisposable
{
    /// <summary>The name of the meter every Quota instrument belongs to.</summary>
    public const string MeterName = "Quota";

    private readonly Meter _meter;

    /// <summary>Initializes the instruments on a new meter.</summary>
    public QuotaMetrics()
    {
        _meter = new Meter(MeterName);
        Consumed = _meter.CreateCounter<long>("quota.consumed", "{unit}", "Amounts counted by allowed consumes, per policy and meter.");
        Refused = _meter.CreateCounter<long>("quota.refused", "{call}", "Consumes refused, per policy and the meter that had no room.");
        StoreFailures = _meter.CreateCounter<long>("quota.store.failures", "{call}", "Store calls that failed or timed out, per policy and failure mode.");
        Alerts = _meter.CreateCounter<long>("quota.alerts", "{alert}", "Threshold alerts raised (once per subject, meter, threshold and cycle across instances), per policy, meter and threshold.");
        AlertsDropped = _meter.CreateCounter<long>("quota.alerts.dropped", "{alert}", "Thresholds reached whose alert was not delivered, per policy and reason: queue_full, store_failed or shutdown.");
    }

    internal Counter<long> Consumed { get; }

    internal Counter<long> Refused { get; }

    internal Counter<long> StoreFailures { get; }

    internal Counter<long> Alerts { get; }

    internal Counter<long> AlertsDropped { get; }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
