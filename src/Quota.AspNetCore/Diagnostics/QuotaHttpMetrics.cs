using System.Diagnostics.Metrics;

namespace Quota.AspNetCore;

/// <summary>
/// The middleware's instruments, on a meter the application's <see cref="IMeterFactory"/> creates: one counter of requests
/// per policy and outcome, like ASP.NET Core's <c>aspnetcore.rate_limiting.requests</c>.
/// </summary>
internal sealed class QuotaHttpMetrics
{
    private readonly Counter<long> _requests;

    public QuotaHttpMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(QuotaHttpDiagnostics.MeterName);
        _requests = meter.CreateCounter<long>(
            QuotaHttpDiagnostics.RequestsCounterName,
            "{request}",
            "Requests a quota policy decided on, per policy and outcome (allowed, refused, shadow_refused, failed_open, failed_closed, unauthenticated).");
    }

    public void Allowed(string policy) => Add(policy, "allowed");

    public void Refused(string policy) => Add(policy, "refused");

    public void ShadowRefused(string policy) => Add(policy, "shadow_refused");

    public void FailedOpen(string policy, Exception? failure) => Add(policy, "failed_open", failure);

    public void FailedClosed(string policy, Exception? failure) => Add(policy, "failed_closed", failure);

    public void Unauthenticated(string policy) => Add(policy, "unauthenticated");

    private void Add(string policy, string outcome)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new KeyValuePair<string, object?>("quota.policy", policy), new KeyValuePair<string, object?>("quota.outcome", outcome));
        }
    }

    private void Add(string policy, string outcome, Exception? failure)
    {
        if (_requests.Enabled)
        {
            _requests.Add(
                1,
                new KeyValuePair<string, object?>("quota.policy", policy),
                new KeyValuePair<string, object?>("quota.outcome", outcome),
                new KeyValuePair<string, object?>("error.type", failure is null ? "_OTHER" : QuotaDiagnostics.ErrorType(failure)));
        }
    }
}
