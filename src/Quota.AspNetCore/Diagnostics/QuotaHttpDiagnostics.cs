namespace Quota.AspNetCore;

/// <summary>Names under which the quota middleware publishes its metrics, for listeners and OpenTelemetry views.</summary>
public static class QuotaHttpDiagnostics
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the middleware's instruments belong to.</summary>
    public const string MeterName = "Quota.AspNetCore";

    /// <summary>
    /// The counter of requests a policy decided on, tagged <c>quota.policy</c> and <c>quota.result</c>
    /// (<c>allowed</c>, <c>refused</c>, <c>shadow_refused</c>, <c>failed_open</c>, <c>failed_closed</c>, <c>unauthenticated</c>).
    /// </summary>
    public const string RequestsCounterName = "quota.http.requests";
}
