using Microsoft.Extensions.DependencyInjection;
using Quota;
using Quota.AspNetCore;

namespace Microsoft.AspNetCore.Http;

/// <summary>Zuplo's <c>setMeters</c> and <c>getUsage</c> for endpoints behind <c>app.UseQuota()</c>.</summary>
public static class QuotaHttpContextExtensions
{
    /// <summary>
    /// Adds to meters of every policy that covers this request (Zuplo's <c>setMeters</c>), e.g. <c>{ ["tokens"] = 1200 }</c>.
    /// They are recorded when the endpoint returns with a status the policy counts, on top of the reserved request; calls
    /// add up. A meter may overshoot its allowance by this one request's amounts; the caller's next request is refused.
    /// Does nothing on a request no policy covers.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="meters">Meter → amount, each zero or more.</param>
    /// <exception cref="ArgumentException">A meter has no name or a negative amount.</exception>
    /// <exception cref="InvalidOperationException">The middleware has already finished with the request.</exception>
    public static void SetQuotaMeters(this HttpContext context, IReadOnlyDictionary<string, long> meters)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(meters);
        if (QuotaFeature.Of(context) is not { } feature)
        {
            return;
        }

        foreach (var (meter, amount) in meters)
        {
            feature.AddMeter(meter, amount);
        }

        feature.RefreshHeaders(context.Response.StatusCode);
    }

    /// <summary>Adds <paramref name="amount"/> to one meter of every policy that covers this request; see the dictionary overload.</summary>
    /// <param name="context">The request.</param>
    /// <param name="meter">The meter, e.g. <c>tokens</c>.</param>
    /// <param name="amount">Zero or more.</param>
    public static void SetQuotaMeters(this HttpContext context, string meter, long amount)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (QuotaFeature.Of(context) is { } feature)
        {
            feature.AddMeter(meter, amount);
            feature.RefreshHeaders(context.Response.StatusCode);
        }
    }

    /// <summary>
    /// Returns the caller's usage of <paramref name="policy"/> as this request's consume left it (Zuplo's <c>getUsage</c>):
    /// <c>AnchorDate</c>, <c>NextResetDate</c> and <c>Meters</c> — the meters used in the cycle; one not counted yet is
    /// left out, while <c>Limits</c> and <c>Remaining</c> cover every limited meter. No store call. <see langword="null"/> when the policy does not
    /// cover this request, counted nothing (its store failed open) or could not identify the caller.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="policy">The policy's name.</param>
    /// <returns>The usage, or <see langword="null"/>.</returns>
    public static QuotaUsage? GetQuotaUsage(this HttpContext context, string policy)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(policy);
        if (QuotaFeature.Of(context) is not { } feature || feature.IndexOf(policy) is var index && index < 0)
        {
            return null;
        }

        ref readonly var call = ref feature.Call(index);
        return call.Reserved ? call.Decision.Usage : call.Read?.Usage;
    }

    /// <summary>
    /// Reads the caller's current usage of any policy from the store, on any endpoint, without counting anything: the caller
    /// is identified as the policy would (its <c>QuotaBy</c> and <c>SubjectFromRequest</c>). Every meter used in the cycle is included.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="policy">The policy's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The usage, or <see langword="null"/> when the request has no identifiable caller.</returns>
    /// <exception cref="ArgumentException">No policy has that name.</exception>
    /// <exception cref="QuotaStoreException">The store failed or timed out.</exception>
    public static async ValueTask<QuotaUsage?> GetQuotaUsageAsync(this HttpContext context, string policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(policy);
        var quota = context.RequestServices.GetService<IQuotaService>()
            ?? throw new InvalidOperationException(Microsoft.AspNetCore.Builder.QuotaApplicationBuilderExtensions.NotRegistered);
        var core = quota.GetPolicy(policy);
        QuotaSubject? subject;
        if (QuotaFeature.Of(context) is { } feature && feature.IndexOf(core.Name) is var index && index >= 0 && !feature.Call(index).Skipped)
        {
            subject = feature.Call(index).Subject;
        }
        else
        {
            var http = context.RequestServices.GetService<HttpPolicies>()?.Find(core.Name)
                ?? throw new InvalidOperationException(Microsoft.AspNetCore.Builder.QuotaApplicationBuilderExtensions.NotRegistered);
            subject = await http.ResolveSubjectAsync(context).ConfigureAwait(false);
        }

        return subject is { } known ? await quota.GetUsageAsync(core.Name, known, cancellationToken).ConfigureAwait(false) : null;
    }
}
