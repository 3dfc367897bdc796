using Microsoft.AspNetCore.Http;

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
            var policy = calls[i].Policy;
            user ??= policy.QuotaBy == QuotaBy.User && policy.GetAnchorDate is null ? QuotaSubjects.UserKey(context.User) : null;
            if (user is null || policy.QuotaBy != QuotaBy.User || policy.GetAnchorDate is not null)
            {
                // A function to call, or no caller to count: the general path, from the start (nothing is consumed yet).
                return AdmitSlowAsync(context, feature);
            }

            calls[i].Subject = new QuotaSubject(user);
        }

        for (var i = 0; i < calls.Length; i++)
        {
            ValueTask<QuotaDecision> pending;
            try
            {
                pending = _quota.TryConsumeAsync(calls[i].Policy.Name, calls[i].Subject, amounts: null, context.RequestAborted);
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

            ref var call = ref calls[i];
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

    private async ValueTask<bool> AdmitSlowAsync(HttpContext context, QuotaFeature feature)
    {
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
                return false;
            }
            else
            {
                QuotaHttpLog.ShadowUnauthenticated(_logger, calls[i].Policy.Name);
                calls[i].Skipped = true;
            }
        }

        return await ConsumeSlowAsync(context, feature, 0, pending: null).ConfigureAwait(false);
    }

    /// <summary>Consumes from policy <paramref name="from"/> on, starting with its <paramref name="pending"/> decision when there is one.</summary>
    private async ValueTask<bool> ConsumeSlowAsync(HttpContext context, QuotaFeature feature, int from, ValueTask<QuotaDecision>? pending)
    {
        var calls = feature.Calls;
        var i = from;
        try
        {
            for (; i < calls.Length; i++)
            {
                if (calls[i].Skipped)
                {
                    continue;
                }

                var policy = calls[i].Policy;
                var decision = i == from && pending is { } started
                    ? await started.ConfigureAwait(false)
                    : await _quota.TryConsumeAsync(policy.Name, calls[i].Subject, amounts: null, context.RequestAborted).ConfigureAwait(false);
                calls[i].Decision = decision;
                calls[i].HasDecision = true;
                if (!Admit(policy, decision))
                {
                    await RejectAsync(context, feature, i).ConfigureAwait(false);
                    return false;
                }
            }

            return true;
        }
        catch when (!calls[i].HasDecision)
        {
            // A provider threw or the client went away: give back what earlier policies reserved, then let it propagate.
            await RefundReservedAsync(calls, i, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
            throw;
        }
    }
}
