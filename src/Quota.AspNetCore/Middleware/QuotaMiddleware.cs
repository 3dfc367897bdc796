using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Quota.AspNetCore;

/// <summary>
/// Counts each request against the policies that cover its endpoint: reserves one <c>requests</c> per policy on the way in
/// (all must allow; a refusal gives back what the others reserved), and on the way out gives it back when the status is
/// outside the policy's <c>QuotaOnStatusCodes</c>, or records the meters the endpoint set.
/// </summary>
/// <remarks>
/// The common request — callers counted by user, a store that answers synchronously (in memory), every policy allowing,
/// an endpoint that completes synchronously — runs without an async state machine; anything else continues on the
/// async paths in <c>QuotaMiddleware.Admit.cs</c> and <c>QuotaMiddleware.Endpoint.cs</c>.
/// </remarks>
internal sealed partial class QuotaMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IQuotaService _quota;
    private readonly EndpointPlans _plans;
    private readonly Func<QuotaRejectedContext, ValueTask>? _onRejected;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly QuotaHttpMetrics _metrics;

    public QuotaMiddleware(RequestDelegate next, IQuotaService quota, EndpointPlans plans, Func<QuotaRejectedContext, ValueTask>? onRejected, IClock clock, ILogger logger, QuotaHttpMetrics metrics)
    {
        _next = next;
        _quota = quota;
        _plans = plans;
        _onRejected = onRejected;
        _clock = clock;
        _logger = logger;
        _metrics = metrics;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // GetEndpoint() without its generic virtual Features.Get<T>().
        var policies = _plans.For((context.Features[typeof(IEndpointFeature)] as IEndpointFeature)?.Endpoint);
        if (policies.Length == 0)
        {
            return _next(context);
        }

        var feature = new QuotaFeature(context, policies);
        var admitted = AdmitAsync(context, feature);
        if (!admitted.IsCompletedSuccessfully)
        {
            return RunWhenAdmittedAsync(admitted, feature);
        }

        return admitted.Result ? RunEndpoint(feature) : Task.CompletedTask;
    }

    private async Task RunWhenAdmittedAsync(ValueTask<bool> admitted, QuotaFeature feature)
    {
        if (await admitted.ConfigureAwait(false))
        {
            await RunEndpoint(feature).ConfigureAwait(false);
        }
    }

    /// <summary>Logs and counts a decision; returns whether the request may proceed past this policy.</summary>
    private bool Admit(HttpPolicy policy, in QuotaDecision decision)
    {
        switch (decision.Outcome)
        {
            case QuotaOutcome.Allowed:
                _metrics.Allowed(policy.Name);
                return true;
            case QuotaOutcome.ShadowRefused:
                _metrics.ShadowRefused(policy.Name);
                if (decision.RefusedMeter is { } meter)
                {
                    QuotaHttpLog.ShadowRefused(_logger, policy.Name, meter.Meter, meter.Used, meter.Limit ?? 0, QuotaProblems.Format(decision.NextResetDate));
                }

                return true;
            case QuotaOutcome.FailedOpen:
                _metrics.FailedOpen(policy.Name, decision.Failure);
                QuotaHttpLog.FailedOpen(_logger, policy.Name, decision.Failure);
                return true;
            case QuotaOutcome.FailedClosed when !policy.IsEnforced:
                // A shadow policy never refuses, not even when its store fails.
                _metrics.FailedOpen(policy.Name, decision.Failure);
                QuotaHttpLog.FailedOpen(_logger, policy.Name, decision.Failure);
                return true;
            case QuotaOutcome.FailedClosed:
                _metrics.FailedClosed(policy.Name, decision.Failure);
                QuotaHttpLog.FailedClosed(_logger, policy.Name, decision.Failure);
                return false;
            default:
                _metrics.Refused(policy.Name);
                if (decision.RefusedMeter is { } refused)
                {
                    QuotaHttpLog.Refused(_logger, policy.Name, refused.Meter, refused.Used, refused.Limit ?? 0, QuotaProblems.Format(decision.NextResetDate));
                }

                return false;
        }
    }
}
