namespace Quota.AspNetCore;

/// <summary>Why the middleware refused a request.</summary>
public enum QuotaRejectionReason
{
    /// <summary>A policy had no room left (429).</summary>
    QuotaExceeded = 0,

    /// <summary>The quota store failed or timed out and the policy fails closed (503).</summary>
    StoreUnavailable = 1,
}
