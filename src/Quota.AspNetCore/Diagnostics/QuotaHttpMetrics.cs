using System.Diagnostics.Metrics;

namespace Quota.AspNetCore;

/// <summary>The middleware's instruments: one counter of requests per policy and result, like aspnetcore's rate-limiting metrics.</summary>
internal sealed class QuotaHttpMetrics
{
    private readonly Counter<long> _requests;

    public QuotaHttpMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(QuotaHttpDiagnostics.MeterName) ?? new Meter(QuotaHttpDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>(
            QuotaHttpDiagnostics.RequestsCounterName,
            "{request}",
            "Requests a quota policy decided on, per policy and result (allowed, refused, shadow_refused, failed_open, failed_closed, unauthenticated).");
    }

    public void Allowed(string policy) => Add(policy, "allowed");

    public void Refused(string policy) => Add(policy, "refused");

    public void ShadowRefused(string policy) => Add(policy, "shadow_refused");

    public void FailedOpen(string policy) => Add(policy, "failed_open");

    public void FailedClosed(string policy) => Add(policy, "failed_closed");

    public void Unauthenticated(string policy) => Add(policy, "unauthenticated");

    private void Add(string policy, string result)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new KeyValuePair<string, object?>("quota.policy", policy), new KeyValuePair<string, object?>("quota.result", result));
        }
    }
}
