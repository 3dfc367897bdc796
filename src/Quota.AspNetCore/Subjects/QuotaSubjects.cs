using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

/// <summary>Who a request is counted as, under <see cref="QuotaBy.User"/> or the application's <see cref="QuotaHttpPolicyOptions.SubjectFromRequest"/>.</summary>
internal static class QuotaSubjects
{
    /// <summary>Returns the subject, or <see langword="null"/> when the request has no identifiable caller (answered 401).</summary>
    public static ValueTask<QuotaSubject?> ResolveAsync(
        HttpContext context,
        QuotaBy quotaBy,
        Func<HttpContext, ValueTask<QuotaSubject?>>? subjectFromRequest,
        string policy)
    {
        if (quotaBy == QuotaBy.User)
        {
            return new ValueTask<QuotaSubject?>(UserKey(context.User) is { } key ? new QuotaSubject(key) : default(QuotaSubject?));
        }

        return FromFunctionAsync(context, subjectFromRequest!, policy);
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

    private static async ValueTask<QuotaSubject?> FromFunctionAsync(HttpContext context, Func<HttpContext, ValueTask<QuotaSubject?>> subjectFromRequest, string policy)
    {
        var subject = await subjectFromRequest(context).ConfigureAwait(false);
        if (subject is { Key: var key } && string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException(
                $"Quota policy '{policy}': SubjectFromRequest returned an empty key. Return the key to count the caller under, or null for a caller you cannot identify (answered 401).");
        }

        return subject;
    }
}
