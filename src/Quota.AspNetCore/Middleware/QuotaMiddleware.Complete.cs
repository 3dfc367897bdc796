using Microsoft.Extensions.Logging;

namespace Quota.AspNetCore;

internal sealed partial class QuotaMiddleware
{
    /// <summary>
    /// The way out: a status outside a policy's <c>QuotaOnStatusCodes</c> gives its reserved request back (to the cycle it
    /// was counted in); otherwise the meters the endpoint set are recorded. With neither to do, nothing touches the store.
    /// </summary>
    private ValueTask CompleteAsync(QuotaFeature feature, int status)
    {
        var hasMeters = feature.Meters is { Count: > 0 };
        foreach (ref readonly var call in feature.Calls)
        {
            if (call.Reserved && (hasMeters || !call.Policy.Counted.Contains(status)))
            {
                return CompleteSlowAsync(feature, status);
            }
        }

        feature.Completed = true;
        return default;
    }

    private async ValueTask CompleteSlowAsync(QuotaFeature feature, int status)
    {
        feature.Completed = true;
        for (var i = 0; i < feature.Count; i++)
        {
            if (!feature.Call(i).Reserved)
            {
                continue;
            }

            if (!feature.Call(i).Policy.Counted.Contains(status))
            {
                await RefundAsync(feature, i, status).ConfigureAwait(false);
            }
            else if (feature.Meters is { Count: > 0 } meters)
            {
                await RecordAsync(feature.Call(i), meters).ConfigureAwait(false);
            }
        }

        // A request given back shows in the headers too, if the response has not started yet.
        feature.RefreshHeaders(status);
    }

    /// <summary>Gives back what the first <paramref name="count"/> policies reserved, because a later one refused or a provider threw.</summary>
    private async ValueTask RefundReservedAsync(QuotaFeature feature, int count, int status)
    {
        for (var i = 0; i < count; i++)
        {
            if (feature.Call(i).Reserved && !feature.Call(i).Refunded)
            {
                await RefundAsync(feature, i, status).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask RefundAsync(QuotaFeature feature, int index, int status)
    {
        var policy = feature.Call(index).Policy;
        try
        {
            // Not the request's token: a client that went away must still get its reservation given back.
            await _quota.RefundAsync(policy.Name, feature.Call(index).Subject, amounts: null, feature.Call(index).Decision.Cycle, CancellationToken.None).ConfigureAwait(false);
            feature.Call(index).Refunded = true;
        }
        catch (Exception ex)
        {
            // The response is decided; failing to give back one request must not turn it into an error.
            QuotaHttpLog.RefundFailed(_logger, policy.Name, status, ex);
        }
    }

    private async ValueTask RecordAsync(PolicyCall call, IReadOnlyDictionary<string, long> meters)
    {
        try
        {
            await _quota.RecordAsync(call.Policy.Name, call.Subject, meters, idempotencyId: null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            QuotaHttpLog.RecordFailed(_logger, call.Policy.Name, ex);
        }
    }
}
