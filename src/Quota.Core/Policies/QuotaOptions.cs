namespace Quota;

/// <summary>Every quota policy of the application, by name, bound from the <c>Quota</c> configuration section or configured in code.</summary>
public sealed class QuotaOptions
{
    /// <summary>Gets or sets the policies by name (names compare ignoring case).</summary>
    public Dictionary<string, QuotaPolicyOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets how long a counter is kept after its cycle ends, so late refunds and records still find it.
    /// Defaults to one hour.
    /// </summary>
    public TimeSpan ExpiredCounterRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many subjects' anchors and details are cached in memory per policy before the cache starts afresh. Defaults to 100,000.</summary>
    public int MaxCachedSubjects { get; set; } = 100_000;
}
