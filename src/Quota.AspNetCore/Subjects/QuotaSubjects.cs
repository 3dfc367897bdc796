using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Quota.AspNetCore;

/// <summary>Who a request is counted as, under <see cref="QuotaBy.User"/> or the application's <see cref="QuotaHttpPolicyOptions.GetQuotaDetail"/>.</summary>
internal static class QuotaSubjects
{
    /// <summary>Returns the subject, or <see langword="null"/> when the request has no identifiable caller (answered 401).</summary>
    public static ValueTask<QuotaSubject?> ResolveAsync(
        HttpContext context,
        QuotaBy quotaBy,
        Func<HttpContext, ValueTask<QuotaSubjectDetail?>>? getQuotaDetail,
        Func<HttpContext, ValueTask<Instant>>? getAnchorDate,
        string policy)
    {
        if (quotaBy == QuotaBy.User)
        {
            var key = UserKey(context.User);
            if (key is null)
            {
                return new ValueTask<QuotaSubject?>(default(QuotaSubject?));
            }

            return getAnchorDate is null
                ? new ValueTask<QuotaSubject?>(new QuotaSubject(key))
                : WithAnchorAsync(context, key, allowances: null, getAnchorDate);
        }

        return FromFunctionAsync(context, getQuotaDetail!, getAnchorDate, policy);
    }

    /// <summary>
    /// The authenticated user's id: <see cref="ClaimTypes.NameIdentifier"/>, then <c>sub</c>, then the identity's name.
    /// Nothing the client sends in a plain header is consulted.
    /// </summary>
    public static string? UserKey(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        return NonEmpty(user.FindFirst(ClaimTypes.NameIdentifier)?.Value)
            ?? NonEmpty(user.FindFirst("sub")?.Value)
            ?? NonEmpty(identity.Name);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async ValueTask<QuotaSubject?> FromFunctionAsync(
        HttpContext context,
        Func<HttpContext, ValueTask<QuotaSubjectDetail?>> getQuotaDetail,
        Func<HttpContext, ValueTask<Instant>>? getAnchorDate,
        string policy)
    {
        var detail = await getQuotaDetail(context).ConfigureAwait(false);
        if (detail is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(detail.Key))
        {
            throw new InvalidOperationException(
                $"Quota policy '{policy}': GetQuotaDetail returned an empty key. Return the key to count the caller under, or null for a caller you cannot identify (answered 401).");
        }

        return getAnchorDate is null
            ? new QuotaSubject(detail.Key, detail.Allowances)
            : await WithAnchorAsync(context, detail.Key, detail.Allowances, getAnchorDate).ConfigureAwait(false);
    }

    private static async ValueTask<QuotaSubject?> WithAnchorAsync(
        HttpContext context,
        string key,
        IReadOnlyDictionary<string, long>? allowances,
        Func<HttpContext, ValueTask<Instant>> getAnchorDate)
    {
        var anchor = await getAnchorDate(context).ConfigureAwait(false);
        return new QuotaSubject(key, allowances, anchor);
    }
}
