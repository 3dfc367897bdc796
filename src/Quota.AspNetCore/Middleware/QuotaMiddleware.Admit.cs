using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Quota.AspNetCore;

internal sealed partial class QuotaMiddleware
{
    /// <summary>
    /// The way in: identifies the caller for every policy, then consumes one request per policy in order, stopping at the
    /// first that refuses (429) or whose store fails closed (503), or answering 401 for a caller who cannot be identified.
    /// </summary>
    /// <returns><see langword="true"/> when the endpoint may run; <see langword="false"/> when the response is written.</returns>
    private ValueTask<bool> AdmitAsync(HttpContext context, QuotaFeature feature)
    {
        var calls = feature.Calls;
        string? user = null;
        for (var i = 0; i < calls.Length; i++)
        {
            if (!calls[i].Policy.CountsByUser || (user ??= QuotaSubjects.UserKey(context.User)) is not { } key)
            {
                // A function to call, or no caller to count: the general path, from the start (nothing is consumed yet).
                return AdmitSlowAsync(context, feature);
            }

            calls[i].Subject = new QuotaSubject(key);
        }

        var aborted = RequestAborted(context);
        for (var i = 0; i < calls.Length; i++)
        {
            ref var call = ref calls[i];
            ValueTask<QuotaDecision> pending;
            try
            {
                // The key-only overload: Quota.Core's in-memory fast path takes it (same subject, no allowances or anchor).
                pending = _quota.TryConsumeAsync(call.Policy.Name, call.Subject.Key, aborted);
            }
            catch (Exception ex)
            {
                pending = ValueTask.FromException<QuotaDecision>(ex);
            }

            if (!pending.IsCompletedSuccessfully)
            {
                // A store that answers later, or an exception: the general path, from this policy on.
                return ConsumeSlowAsync(context, feature, i, pending);
            }

            call.Decision = pending.Result;
            if (call.Decision.Outcome != QuotaOutcome.Allowed)
            {
                // A refusal or a store failure: the general path decides, from this policy on. The result was read once
                // already, so it goes on as a fresh ValueTask (one backed by a pooled source may not be read twice).
                return ConsumeSlowAsync(context, feature, i, new ValueTask<QuotaDecision>(call.Decision));
            }

            call.HasDecision = true;
            _metrics.Allowed(call.Policy.Name);
        }

        return new ValueTask<bool>(true);
    }

    /// <summary>
    /// Returns the request's abort token. Unlike <see cref="HttpContext.RequestAborted"/> it adds nothing to the features
    /// when the server has no lifetime feature (that getter creates one, and a feature write flushes every cached lookup).
    /// </summary>
    private static CancellationToken RequestAborted(HttpContext context)
        => (context.Features[typeof(IHttpRequestLifetimeFeature)] as IHttpRequestLifetimeFeature)?.RequestAborted ?? default;

    private async ValueTask<bool> AdmitSlowAsync(HttpContext context, QuotaFeature feature)
    {
        for (var i = 0; i < feature.Count; i++)
        {
            var policy = feature.Call(i).Policy;
            var subject = await policy.ResolveSubjectAsync(context).ConfigureAwait(false);
            if (subject is { } known)
            {
                feature.Call(i).Subject = known;
            }
            else if (policy.IsEnforced)
            {
                await RejectUnauthenticatedAsync(context, policy).ConfigureAwait(false);
                return false;
            }
            else
            {
                QuotaHttpLog.ShadowUnauthenticated(_logger, policy.Name);
                feature.Call(i).Skipped = true;
            }
        }

        return await ConsumeSlowAsync(context, feature, 0, pending: null).ConfigureAwait(false);
    }

    /// <summary>Consumes from policy <paramref name="from"/> on, starting with its <paramref name="pending"/> decision when there is one.</summary>
    private async ValueTask<bool> ConsumeSlowAsync(HttpContext context, QuotaFeature feature, int from, ValueTask<QuotaDecision>? pending)
    {
        var i = from;
        try
        {
            for (; i < feature.Count; i++)
            {
                if (feature.Call(i).Skipped)
                {
                    continue;
                }

                var policy = feature.Call(i).Policy;
                var decision = i == from && pending is { } started
                    ? await started.ConfigureAwait(false)
                    : await _quota.TryConsumeAsync(policy.Name, feature.Call(i).Subject, amounts: null, RequestAborted(context)).ConfigureAwait(false);
                feature.Call(i).Decision = decision;
                feature.Call(i).HasDecision = true;
                if (!Admit(policy, decision))
                {
                    await RejectAsync(context, feature, i).ConfigureAwait(false);
                    return false;
                }
            }

            return true;
        }
        catch when (!feature.Call(i).HasDecision)
        {
            // A provider threw or the client went away: give back what earlier policies reserved, then let it propagate.
            await RefundReservedAsync(feature, i, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
            throw;
        }
    }
}
