using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Quota.AspNetCore;

internal sealed partial class QuotaMiddleware
{
    /// <summary>
    /// Answers 429 (a policy had no room) or 503 (its store failed closed): gives back what earlier policies reserved, reads
    /// the later policies' usage so that every exhausted one is named, then sets <c>Retry-After</c>, runs
    /// <see cref="QuotaHttpOptions.OnRejected"/> and writes the problem body.
    /// </summary>
    private async Task RejectAsync(HttpContext context, QuotaFeature feature, int refusing)
    {
        var exceeded = feature.Call(refusing).Decision.Outcome == QuotaOutcome.Refused;
        var status = exceeded ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
        await RefundReservedAsync(feature, refusing, status).ConfigureAwait(false);

        var violations = new List<QuotaViolation>();
        if (exceeded)
        {
            var decision = feature.Call(refusing).Decision;
            if (decision.RefusedMeter is { Limit: { } limit } meter)
            {
                violations.Add(new QuotaViolation(feature.Call(refusing).Policy.Name, meter.Meter, limit, meter.Used, decision.NextResetDate, decision.TimeUntilReset));
            }

            await ReadLaterPoliciesAsync(context, feature, refusing + 1, violations).ConfigureAwait(false);
        }

        feature.Completed = true;
        feature.Attach();
        var response = context.Response;
        response.OnStarting(RateLimitHeaders.OnStarting, feature);
        response.StatusCode = status;
        string[] policies;
        if (violations.Count > 0)
        {
            policies = violations.Select(v => v.Policy).ToArray();
            var retryAfter = violations.Max(v => RateLimitHeaders.CeilingSeconds(v.RetryAfter));
            response.Headers[HeaderNames.RetryAfter] = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            policies = [feature.Call(refusing).Policy.Name];
        }

        var problem = violations.Count > 0 ? QuotaProblems.Exceeded(violations) : QuotaProblems.StoreUnavailable(policies);
        var rejected = new QuotaRejectedContext(context, exceeded ? QuotaRejectionReason.QuotaExceeded : QuotaRejectionReason.StoreUnavailable, policies, violations, problem);
        if (_onRejected is { } onRejected)
        {
            await onRejected(rejected).ConfigureAwait(false);
        }

        if (!response.HasStarted && rejected.ProblemDetails is { } body)
        {
            await QuotaProblems.WriteAsync(context, body).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads (without consuming) the usage of the enforced policies after the one that refused, so the headers describe
    /// them too and every exhausted one is named. A store failure here changes nothing: the request is refused anyway.
    /// </summary>
    private async ValueTask ReadLaterPoliciesAsync(HttpContext context, QuotaFeature feature, int from, List<QuotaViolation> violations)
    {
        for (var i = from; i < feature.Count; i++)
        {
            var policy = feature.Call(i).Policy;
            if (feature.Call(i).Skipped || !policy.IsEnforced)
            {
                continue;
            }

            QuotaUsage usage;
            try
            {
                usage = await _quota.GetUsageAsync(policy.Name, feature.Call(i).Subject, RequestAborted(context)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is QuotaStoreException or QuotaProviderException)
            {
                // Only to name more policies: the request is refused anyway.
                continue;
            }

            var untilReset = usage.Cycle.TimeUntilReset(_clock.GetCurrentInstant());
            feature.Call(i).Read = new UsageRead(usage, untilReset);
            foreach (var meter in RateLimitHeaders.LimitedMeters(usage))
            {
                if (usage.Remaining[meter] == 0)
                {
                    violations.Add(new QuotaViolation(policy.Name, meter, usage.Limits[meter], usage.Meters.GetValueOrDefault(meter), usage.NextResetDate, untilReset));
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Answers 401 for a policy that counts per caller when the request has none: through the application's default
    /// authentication challenge when it has one (so its <c>WWW-Authenticate</c> is sent), with a problem body.
    /// </summary>
    private async Task RejectUnauthenticatedAsync(HttpContext context, HttpPolicy policy)
    {
        _metrics.Unauthenticated(policy.Name);
        QuotaHttpLog.Unauthenticated(_logger, policy.Name);
        var schemes = context.RequestServices.GetService<IAuthenticationSchemeProvider>();
        if (schemes is not null && await schemes.GetDefaultChallengeSchemeAsync().ConfigureAwait(false) is not null)
        {
            await context.ChallengeAsync().ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }

        if (!context.Response.HasStarted && context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            await QuotaProblems.WriteAsync(context, QuotaProblems.Unauthenticated(policy.Name)).ConfigureAwait(false);
        }
    }
}
