using NodaTime;

namespace Quota.PluginSdk;

/// <summary>The answer of a quota check.</summary>
/// <param name="HasQuota"><see langword="true"/> while rows are left in the current cycle (or its rows are not capped).</param>
/// <param name="SuggestedQueryInterval">
/// How long a monitor should wait between checks from now on, or <see langword="null"/> (or zero or less) to keep its
/// current interval.
/// </param>
/// <param name="RemainingRows">The rows left in the cycle, counting rows this client has not flushed yet; <see langword="null"/> when rows are not capped.</param>
/// <param name="ResetsAt">When the allowance next resets, or <see langword="null"/> when unknown.</param>
public readonly record struct CheckQuotaResult(bool HasQuota, TimeSpan? SuggestedQueryInterval = null, long? RemainingRows = null, Instant? ResetsAt = null)
{
    /// <summary>Gets the answer of a client whose rows are not metered: always has quota.</summary>
    public static CheckQuotaResult Unmetered => new(HasQuota: true);
}
