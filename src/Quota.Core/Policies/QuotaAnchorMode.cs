namespace Quota;

/// <summary>Where a policy's cycles are counted from.</summary>
/// <remarks>
/// Configuration accepts each name ignoring case, hyphens and underscores, and Zuplo's spelling of the default:
/// <c>first-api-call</c> is <see cref="FirstUse"/>.
/// </remarks>
public enum QuotaAnchorMode
{
    /// <summary>
    /// From the subject's first use of the policy: the store records that instant once, atomically, and every
    /// later cycle is counted from it ("10,000 requests a month from the day you started"). Zuplo calls it <c>first-api-call</c>.
    /// </summary>
    /// <remarks>
    /// Racing first calls all receive the anchor that won, which may be a little later than the instant a losing call
    /// read; so may an anchor set by an app instance whose clock runs ahead. A call counts in the cycle containing the
    /// later of its own time and the anchor (see <see cref="QuotaCycle"/>), so a burst of first calls, or instances a
    /// second apart, share the first cycle's one allowance.
    /// </remarks>
    FirstUse = 0,

    /// <summary>From an instant the application supplies per subject, such as a subscription's start (<see cref="QuotaPolicyOptions.AnchorProvider"/>).</summary>
    /// <remarks>Calls before an anchor that lies in the future count in the cycle that starts at the anchor.</remarks>
    Function = 1,

    /// <summary>
    /// Aligned to the calendar in the policy's zone: hourly cycles start on the hour, daily at midnight, weekly on
    /// Monday (ISO weeks), monthly on the 1st, yearly on 1 January; multiples (<c>P3M</c>) count from 1 January 2000.
    /// </summary>
    Calendar = 2,
}
