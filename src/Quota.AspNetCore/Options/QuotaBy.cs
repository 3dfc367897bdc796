namespace Quota.AspNetCore;

/// <summary>Who a policy counts on an HTTP request (Zuplo's <c>quotaBy</c>: configuration accepts <c>user</c> and <c>function</c>).</summary>
public enum QuotaBy
{
    /// <summary>
    /// The authenticated user: the <see cref="System.Security.Claims.ClaimTypes.NameIdentifier"/> claim, then <c>sub</c>,
    /// then the identity's name. An unauthenticated request is answered 401; it never shares an anonymous bucket.
    /// </summary>
    User = 0,

    /// <summary>
    /// Whatever the application's <see cref="QuotaHttpPolicyOptions.SubjectFromRequest"/> returns (Zuplo's <c>getQuotaDetail</c>):
    /// a key such as the caller's organisation or API key, and optionally that caller's allowances and anchor.
    /// </summary>
    Function = 1,
}
