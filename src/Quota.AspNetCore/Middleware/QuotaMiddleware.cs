using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Quota.AspNetCore;

/// <summary>
/// Counts each request against the policies that cover its endpoint: reserves one <c>requests</c> per policy on the way in
/// (all must allow; a refusal gives back what the others reserved), and on the way out gives it back when the status is
/// outside the policy's <c>QuotaOnStatusCodes</c>, or records the meters the endpoint set.
/// </summary>
internal sealed partial class QuotaMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IQuotaService _quota;
    private readonly EndpointPlans _plans;
    private readonly Func<QuotaRejectedContext, ValueTask>? _onRejected;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly QuotaHttpMetrics _metrics;

    public QuotaMiddleware(RequestDelegate next, IQuotaService quota, EndpointPlans plans, QuotaHttpOptions options, IClock clock, ILogger logger, QuotaHttpMetrics metrics)
    {
        _next = next;
        _quota = quota;
        _plans = plans;
        _onRejected = options.OnRejected;
        _clock = clock;
        _logger = logger;
        _metrics = metrics;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var policies = _plans.For(context.GetEndpoint());
        return policies.Length == 0 ? _next(context) : InvokeCoreAsync(context, policies);
    }

    private async Task InvokeCoreAsync(HttpContext context, HttpPolicy[] policies)
    {
        var feature = new QuotaFeature(context, policies);
        var calls = feature.Calls;
        for (var i = 0; i < calls.Length; i++)
        {
            var subject = await calls[i].Policy.ResolveSubjectAsync(context).ConfigureAwait(false);
            if (subject is { } known)
            {
                calls[i].Subject = known;
            }
            else if (calls[i].Policy.IsEnforced)
            {
                await RejectUnauthenticatedAsync(context, calls[i].Policy).ConfigureAwait(false);
                return;
            }
            else
            {
                QuotaHttpLog.ShadowUnauthenticated(_logger, calls[i].Policy.Name);
                calls[i].Skipped = true;
            }
        }

        var refusing = await ConsumeAsync(context, calls).ConfigureAwait(false);
        if (refusing >= 0)
        {
            await RejectAsync(context, feature, refusing).ConfigureAwait(false);
            return;
        }

        context.Features.Set(feature);
        if (!context.Response.HasStarted)
        {
            context.Response.OnStarting(RateLimitHeaders.OnStarting, feature);
        }

        try
        {
            await _next(context).ConfigureAwait(false);
        }
        catch
        {
            // An exception is a 500 for counting, whatever status the response had reached; it still propagates.
            await CompleteAsync(feature, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
            throw;
        }

        await CompleteAsync(feature, context.Response.StatusCode).ConfigureAwait(false);
    }

    /// <summary>
    /// Consumes one request per policy, in order, stopping at the first that refuses or fails closed.
    /// </summary>
    /// <returns>The index of the refusing policy, or -1 when every policy let the request through.</returns>
    private async ValueTask<int> ConsumeAsync(HttpContext context, PolicyCall[] calls)
    {
        var i = 0;
        try
        {
            for (; i < calls.Length; i++)
            {
                if (calls[i].Skipped)
                {
                    continue;
                }

                var policy = calls[i].Policy;
                var pending = _quota.TryConsumeAsync(policy.Name, calls[i].Subject, amounts: null, context.RequestAborted);
                var decision = pending.IsCompletedSuccessfully ? pending.Result : await pending.ConfigureAwait(false);
                calls[i].Decision = decision;
                calls[i].HasDecision = true;
                if (!Admit(policy, decision))
                {
                    return i;
                }
            }

            return -1;
        }
        catch
        {
            // A provider threw or the client went away: give back what earlier policies reserved, then let it propagate.
            await RefundReservedAsync(calls, i, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
            throw;
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
                _metrics.FailedOpen(policy.Name);
                QuotaHttpLog.FailedOpen(_logger, policy.Name, decision.Failure);
                return true;
            case QuotaOutcome.FailedClosed when !policy.IsEnforced:
                // A shadow policy never refuses, not even when its store fails.
                _metrics.FailedOpen(policy.Name);
                QuotaHttpLog.FailedOpen(_logger, policy.Name, decision.Failure);
                return true;
            case QuotaOutcome.FailedClosed:
                _metrics.FailedClosed(policy.Name);
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
