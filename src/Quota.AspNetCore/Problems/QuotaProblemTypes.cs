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
}
