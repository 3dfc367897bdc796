namespace Quota;

/// <summary>
/// The names Quota.Core publishes its telemetry under, for <c>MeterListener</c>s and OpenTelemetry:
/// <c>AddMeter(QuotaDiagnostics.MeterName)</c> and <c>AddSource(QuotaDiagnostics.ActivitySourceName)</c>.
/// </summary>
/// <remarks>
/// Instrument names, units and attributes follow OpenTelemetry's semantic conventions; the README of Quota.Core lists
/// them all, with Quota.AspNetCore's, in one table. Each application's meter is created by its
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>, so two service providers in one process (two test hosts) do not
/// mix their measurements: a listener tells them apart by <c>Instrument.Meter.Scope</c>.
/// </remarks>
public static class QuotaDiagnostics
{
    /// <summary>The name of the meter Quota.Core's instruments belong to.</summary>
    public const string MeterName = "Quota";

    /// <summary>The name of the activity source whose spans are Quota's store calls.</summary>
    public const string ActivitySourceName = "Quota";

    /// <summary>
    /// Counter of consumes decided, in <c>{decision}</c>, tagged <c>quota.policy</c> and <c>quota.outcome</c>
    /// (<c>allowed</c>, <c>refused</c>, <c>shadow_refused</c>, <c>failed_open</c>, <c>failed_closed</c>); a refusal adds
    /// <c>quota.meter</c>, the meter that had no room, and a failure adds <c>error.type</c>.
    /// </summary>
    public const string DecisionsName = "quota.consume.decisions";

    /// <summary>Counter of amounts counted on meters by allowed consumes and records, tagged <c>quota.policy</c> and <c>quota.meter</c>.</summary>
    public const string AmountName = "quota.consume.amount";

    /// <summary>
    /// Histogram of store calls' durations, in seconds, tagged <c>quota.policy</c>, <c>db.operation.name</c> (the
    /// <see cref="IQuotaStore"/> method, e.g. <c>TryAdd</c>), <c>db.system.name</c> when the store is a database
    /// (<see cref="IQuotaStoreTelemetry"/>), and <c>error.type</c> when the call failed (<c>timeout</c> when it ran past the
    /// policy's <see cref="QuotaPolicyOptions.StoreTimeout"/>).
    /// </summary>
    public const string StoreCallDurationName = "quota.store.call.duration";

    /// <summary>
    /// Counter of threshold alerts, in <c>{alert}</c>, tagged <c>quota.policy</c>, <c>quota.meter</c>,
    /// <c>quota.alert.threshold</c> and <c>quota.alert.result</c>: <c>raised</c> (marked once across instances and handed to
    /// the handlers) or <c>dropped</c>, with <c>error.type</c> <c>queue_full</c>, <c>shutdown</c>, or the store's failure.
    /// </summary>
    public const string AlertsName = "quota.alerts";

    /// <summary>Counter of amounts reserved in leased blocks (<see cref="QuotaLeaseOptions"/>), in <c>{amount}</c>, tagged <c>quota.policy</c> and <c>quota.meter</c>.</summary>
    public const string LeaseReservedName = "quota.lease.reserved";

    /// <summary>Counter of amounts granted from leased blocks and reported to the store as spent, in <c>{amount}</c>, tagged <c>quota.policy</c> and <c>quota.meter</c>.</summary>
    public const string LeaseSettledName = "quota.lease.settled";

    /// <summary>Counter of amounts of leased blocks given back unspent, in <c>{amount}</c>, tagged <c>quota.policy</c> and <c>quota.meter</c>.</summary>
    public const string LeaseReclaimedName = "quota.lease.reclaimed";

    /// <summary>Counter of lease calls the store failed (retried at the next settle), in <c>{call}</c>, tagged <c>quota.policy</c>.</summary>
    public const string LeaseFailuresName = "quota.lease.failures";

    /// <summary>
    /// Counter of consumes of leased policies, in <c>{decision}</c>, tagged <c>quota.policy</c> and <c>quota.answer</c>:
    /// <c>local</c> (granted from a block) or <c>store</c> (the block was short, and the store decided).
    /// </summary>
    public const string LeaseAnswersName = "quota.lease.answers";

    /// <summary>
    /// Returns the <c>error.type</c> Quota's instruments and spans give a failure, low in cardinality as OpenTelemetry's
    /// conventions ask: <c>timeout</c> for a <see cref="TimeoutException"/> (Quota's own store deadline, or a client's,
    /// such as StackExchange.Redis's), otherwise the full name of the exception's type. A <see cref="QuotaStoreException"/>
    /// that wraps the store's own failure is named by that failure, e.g. <c>Microsoft.Data.Sqlite.SqliteException</c>.
    /// </summary>
    /// <param name="exception">The failure, e.g. <see cref="QuotaDecision.Failure"/>.</param>
    /// <returns>The attribute's value.</returns>
    public static string ErrorType(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var cause = exception is QuotaStoreException { InnerException: { } inner } ? inner : exception;
        return cause is TimeoutException ? TimeoutErrorType : cause.GetType().FullName ?? cause.GetType().Name;
    }

    /// <summary>The <c>error.type</c> of a call that ran out of time, as OpenTelemetry's conventions name it.</summary>
    internal const string TimeoutErrorType = "timeout";
}
