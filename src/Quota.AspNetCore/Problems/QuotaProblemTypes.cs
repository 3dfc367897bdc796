namespace Quota.AspNetCore;

/// <summary>
/// The <c>type</c> members of the RFC 9457 problem bodies the middleware writes. All are relative URI references, so an
/// application that documents them can serve each under its own base URI.
/// </summary>
public static class QuotaProblemTypes
{
    /// <summary>429: a policy has no room left for the request in the current cycle.</summary>
    public const string QuotaExceeded = "quota-exceeded";

    /// <summary>503: the quota store failed or did not answer in time, and the policy fails closed.</summary>
    public const string StoreUnavailable = "quota-store-unavailable";

    /// <summary>401: a policy counts per caller and the request has no identifiable caller.</summary>
    public const string Unauthenticated = "quota-unauthenticated";

    /// <summary>
    /// 400, 413 or 415: a request to the admin API (<c>MapQuotaAdmin</c>) that it cannot act on — a missing or malformed
    /// parameter or body member (listed under <c>errors</c>, each saying what to send), a body too large, or not JSON.
    /// </summary>
    public const string AdminInvalidRequest = "quota-admin-invalid-request";

    /// <summary>404: the admin API was asked about a policy that does not exist; the detail lists those that do.</summary>
    public const string AdminUnknownPolicy = "quota-admin-unknown-policy";

    /// <summary>
    /// 400: a state-changing admin request (reset, grant) without the <see cref="QuotaAdmin.RequestHeader"/> header, which
    /// proves it was sent by a script of the same origin (or a tool such as curl), never by another site's form.
    /// </summary>
    public const string AdminHeaderRequired = "quota-admin-header-required";

    /// <summary>403: the browser said a state-changing admin request came from another site (<c>Sec-Fetch-Site</c>).</summary>
    public const string AdminCrossSite = "quota-admin-cross-site";
}
