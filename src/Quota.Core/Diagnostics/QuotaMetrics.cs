using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Quota;

/// <summary>
/// Quota.Core's instruments, on a meter the application's <see cref="IMeterFactory"/> creates (names and attributes in
/// <see cref="QuotaDiagnostics"/>). Every recording first asks whether anyone listens, so an application without a
/// listener pays a field read per call and allocates nothing.
/// </summary>
internal sealed class QuotaMetrics
{
    /// <summary>
    /// Store calls last from a few microseconds (SQLite, Redis on loopback) to the policy's store timeout (seconds): the
    /// default buckets, made for HTTP requests, would put every healthy call in the first one.
    /// </summary>
    private static readonly InstrumentAdvice<double> StoreCallBuckets = new()
    {
        HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _amount;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _leaseReserved;
    private readonly Counter<long> _leaseSettled;
    private readonly Counter<long> _leaseReclaimed;
    private readonly Counter<long> _leaseFailures;
    private readonly Counter<long> _leaseAnswers;

    public QuotaMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(QuotaDiagnostics.MeterName);
        _decisions = meter.CreateCounter<long>(
            QuotaDiagnostics.DecisionsName,
            "{decision}",
            "Consumes decided, per policy and outcome (allowed, refused, shadow_refused, failed_open, failed_closed).");
        _amount = meter.CreateCounter<long>(
            QuotaDiagnostics.AmountName,
            "{amount}",
            "Amounts counted on meters by allowed consumes and records, per policy and meter.");
        StoreCallDuration = meter.CreateHistogram(
            QuotaDiagnostics.StoreCallDurationName,
            "s",
            "Duration of calls to the quota store, per policy and operation; error.type names a failure.",
            tags: null,
            advice: StoreCallBuckets);
        _alerts = meter.CreateCounter<long>(
            QuotaDiagnostics.AlertsName,
            "{alert}",
            "Threshold alerts raised (once per subject, meter, threshold and cycle across instances) or dropped, per policy, meter and threshold.");
        _leaseReserved = meter.CreateCounter<long>(QuotaDiagnostics.LeaseReservedName, "{amount}", "Amounts reserved in leased blocks, per policy and meter.");
        _leaseSettled = meter.CreateCounter<long>(QuotaDiagnostics.LeaseSettledName, "{amount}", "Amounts granted from leased blocks and reported to the store as spent, per policy and meter.");
        _leaseReclaimed = meter.CreateCounter<long>(QuotaDiagnostics.LeaseReclaimedName, "{amount}", "Amounts of leased blocks given back unspent to the shared allowance, per policy and meter.");
        _leaseFailures = meter.CreateCounter<long>(QuotaDiagnostics.LeaseFailuresName, "{call}", "Lease calls the store failed (each retried at the next settle), and failed reads of a leased counter's thresholds after a record, per policy.");
        _leaseAnswers = meter.CreateCounter<long>(QuotaDiagnostics.LeaseAnswersName, "{decision}", "Consumes of leased policies, per policy and who answered (quota.answer): local (from a block) or store (the block was short).");
    }

    /// <summary>Gets the histogram <see cref="StoreCallTelemetry"/> records into.</summary>
    public Histogram<double> StoreCallDuration { get; }

    /// <summary>Counts a decided consume and, when it was counted, its amounts; <paramref name="refusedMeter"/> is the meter without room, for a refusal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Decided(string policy, QuotaOutcome outcome, QuotaMeterDelta[] deltas, string? refusedMeter)
    {
        if (_decisions.Enabled || _amount.Enabled)
        {
            DecidedCore(policy, outcome, deltas, refusedMeter);
        }
    }

    /// <summary>Counts the amounts a record (not a decision) added.</summary>
    public void Counted(string policy, QuotaMeterDelta[] deltas)
    {
        if (_amount.Enabled)
        {
            CountAmounts(policy, deltas);
        }
    }

    /// <summary>Counts a consume the store could not decide.</summary>
    public void Failed(string policy, QuotaOutcome outcome, Exception failure)
    {
        if (_decisions.Enabled)
        {
            _decisions.Add(1, new("quota.policy", policy), new("quota.outcome", Outcome(outcome)), new("error.type", QuotaDiagnostics.ErrorType(failure)));
        }
    }

    /// <summary>Counts a consume of a leased policy, answered from a block (<paramref name="local"/>) or by the store.</summary>
    public void LeaseAnswered(string policy, bool local)
    {
        if (_leaseAnswers.Enabled)
        {
            _leaseAnswers.Add(1, new("quota.policy", policy), new("quota.answer", local ? "local" : "store"));
        }
    }

    /// <summary>Counts what one lease call of a meter reserved, reported spent, and gave back.</summary>
    public void LeaseCalled(string policy, string meter, long reserved, long settled, long reclaimed)
    {
        KeyValuePair<string, object?> policyTag = new("quota.policy", policy), meterTag = new("quota.meter", meter);
        if (reserved > 0 && _leaseReserved.Enabled)
        {
            _leaseReserved.Add(reserved, policyTag, meterTag);
        }

        if (settled > 0 && _leaseSettled.Enabled)
        {
            _leaseSettled.Add(settled, policyTag, meterTag);
        }

        if (reclaimed > 0 && _leaseReclaimed.Enabled)
        {
            _leaseReclaimed.Add(reclaimed, policyTag, meterTag);
        }
    }

    /// <summary>Counts a lease call, or a leased counter's read, that failed.</summary>
    public void LeaseFailed(string policy)
    {
        if (_leaseFailures.Enabled)
        {
            _leaseFailures.Add(1, new KeyValuePair<string, object?>("quota.policy", policy));
        }
    }

    public void AlertRaised(string policy, string meter, int threshold)
    {
        if (_alerts.Enabled)
        {
            _alerts.Add(1, new("quota.policy", policy), new("quota.meter", meter), new("quota.alert.threshold", threshold), new("quota.alert.result", "raised"));
        }
    }

    /// <summary>Counts an alert that is not delivered; <paramref name="errorType"/> says why: <c>queue_full</c>, <c>shutdown</c>, or the store's failure (<see cref="QuotaDiagnostics.ErrorType(Exception)"/>).</summary>
    public void AlertDropped(string policy, string meter, int threshold, string errorType)
    {
        if (_alerts.Enabled)
        {
            var tags = new System.Diagnostics.TagList
            {
                { "quota.policy", policy },
                { "quota.meter", meter },
                { "quota.alert.threshold", threshold },
                { "quota.alert.result", "dropped" },
                { "error.type", errorType },
            };
            _alerts.Add(1, tags);
        }
    }

    private static string Outcome(QuotaOutcome outcome) => outcome switch
    {
        QuotaOutcome.Allowed => "allowed",
        QuotaOutcome.Refused => "refused",
        QuotaOutcome.ShadowRefused => "shadow_refused",
        QuotaOutcome.FailedOpen => "failed_open",
        _ => "failed_closed",
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DecidedCore(string policy, QuotaOutcome outcome, QuotaMeterDelta[] deltas, string? refusedMeter)
    {
        if (_decisions.Enabled)
        {
            if (refusedMeter is null)
            {
                _decisions.Add(1, new("quota.policy", policy), new("quota.outcome", Outcome(outcome)));
            }
            else
            {
                _decisions.Add(1, new("quota.policy", policy), new("quota.outcome", Outcome(outcome)), new("quota.meter", refusedMeter));
            }
        }

        // A refusal counted nothing; a shadow refusal did.
        if (outcome != QuotaOutcome.Refused && _amount.Enabled)
        {
            CountAmounts(policy, deltas);
        }
    }

    private void CountAmounts(string policy, QuotaMeterDelta[] deltas)
    {
        foreach (var delta in deltas)
        {
            if (delta.Amount > 0)
            {
                _amount.Add(delta.Amount, new("quota.policy", policy), new("quota.meter", delta.Meter));
            }
        }
    }
}
