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

    /// <summary>
    /// Gets or sets how often a consume reads the wall clock when the clock is NodaTime's <see cref="NodaTime.SystemClock"/>.
    /// In between, the time is extrapolated from the monotonic tick count, which costs a few nanoseconds instead of the
    /// 25–50 a wall-clock read costs. Defaults to one second; <see cref="TimeSpan.Zero"/> reads the clock on every call.
    /// </summary>
    /// <remarks>
    /// Resets stay exact: an extrapolated time is used only when it lies more than a quarter of a second inside the
    /// subject's cycle, and the clock is read otherwise. A step of the wall clock (an NTP correction, a changed system time)
    /// or a suspended machine is noticed within this interval. Any other <see cref="NodaTime.IClock"/> (a test's fake
    /// clock) is read on every call.
    /// </remarks>
    public TimeSpan ClockReadInterval { get; set; } = TimeSpan.FromSeconds(1);
}
