namespace Quota;

/// <summary>
/// Every quota policy of the application, by name, read from the <c>Quota</c> configuration section and configured in code.
/// One model: packages such as Quota.AspNetCore add their settings to the same policies (see <see cref="Settings{TSettings}"/>).
/// </summary>
/// <remarks>
/// The options are read once, when the application starts, and validated then: a later change to the configuration
/// (a reloaded <c>appsettings.json</c>) takes effect at the next start, never half-way through a running application.
/// </remarks>
public sealed class QuotaOptions
{
    private readonly SettingsBag _settings = new();

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

    /// <summary>Gets or sets how threshold alerts are delivered: queue size, handler and shutdown timeouts.</summary>
    public QuotaAlertOptions Alerts { get; set; } = new();

    /// <summary>
    /// Gets the path of the configuration section the options were read from (<c>Quota</c> unless the application gave
    /// <c>AddQuota</c> another section). Validation messages name every setting by its path under it, e.g.
    /// <c>Quota:Policies:api:Period</c>, whether it was configured there or in code.
    /// </summary>
    public string ConfigurationPath { get; internal set; } = QuotaConfigurationReader.DefaultSectionName;

    /// <summary>Gets the problems found reading the configuration section; validation reports them with its own.</summary>
    internal List<string> ConfigurationProblems { get; } = [];

    /// <summary>Gets or sets a value indicating whether a configuration section was read into these options.</summary>
    internal bool ReadFromConfiguration { get; set; }

    /// <summary>
    /// Returns the configuration path of a setting under <see cref="ConfigurationPath"/>, e.g. <c>Quota:Policies:api:Period</c>
    /// for <c>PathOf("Policies", "api", "Period")</c>: how validation messages name a setting.
    /// </summary>
    /// <param name="keys">The keys below the section, outermost first.</param>
    /// <returns>The path.</returns>
    public string PathOf(params ReadOnlySpan<string> keys)
    {
        var path = string.Join(':', keys.ToArray());
        return ConfigurationPath.Length == 0 ? path : ConfigurationPath + ":" + path;
    }

    /// <summary>
    /// Gets the settings another package adds to every policy's options as a whole (e.g. Quota.AspNetCore's global
    /// policy), creating them with their defaults on first use. Packages wrap this in a named extension method.
    /// </summary>
    /// <typeparam name="TSettings">The package's settings type.</typeparam>
    /// <returns>The one instance of <typeparamref name="TSettings"/> these options hold.</returns>
    public TSettings Settings<TSettings>()
        where TSettings : class, new()
        => _settings.Get<TSettings>();
}
