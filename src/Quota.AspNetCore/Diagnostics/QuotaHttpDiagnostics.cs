namespace Quota.AspNetCore;

/// <summary>
/// The names under which the quota middleware publishes its metrics, for listeners and OpenTelemetry:
/// <c>AddMeter(QuotaHttpDiagnostics.MeterName)</c>. Quota.Core's README lists every instrument of every Quota package in
/// one table.
/// </summary>
public static class QuotaHttpDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the middleware's instruments belong to.</summary>
    public const string MeterName = "Quota.AspNetCore";

    /// <summary>
    /// The counter of requests a policy decided on, in <c>{request}</c>, tagged <c>quota.policy</c> and <c>quota.outcome</c>
    /// (<c>allowed</c>, <c>refused</c>, <c>shadow_refused</c>, <c>failed_open</c>, <c>failed_closed</c>,
    /// <c>unauthenticated</c>); a failure adds <c>error.type</c>, as on Quota.Core's <c>quota.consume.decisions</c>.
    /// </summary>
    public const string RequestsCounterName = "quota.http.requests";
}
