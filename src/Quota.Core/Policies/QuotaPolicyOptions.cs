using NodaTime;

namespace Quota;

/// <summary>
/// One policy's settings, read from configuration (<c>Quota:Policies:{name}:…</c>) and configured in code. Validated once
/// at start-up; a bad value stops the application with a message naming the setting's path, the value and what to write
/// instead. Packages such as Quota.AspNetCore add their own settings to the same policy (see <see cref="Settings{TSettings}"/>).
/// </summary>
/// <remarks>
/// Configuration accepts the names below, ignoring case, and the words of Zuplo's <c>quota-inbound</c> options: <c>period</c>,
/// <c>allowances</c>, and <c>quotaAnchorMode</c> for <see cref="AnchorMode"/>.
/// </remarks>
public sealed class QuotaPolicyOptions
{
    private readonly SettingsBag _settings = new();

    /// <summary>Gets or sets the cycle length: <c>hourly</c>, <c>daily</c>, <c>weekly</c>, <c>monthly</c>, <c>yearly</c>, or an ISO-8601 period such as <c>P3M</c> or <c>PT6H</c>. Required.</summary>
    public string? Period { get; set; }

    /// <summary>
    /// Gets or sets each meter's allowance per cycle (meter → limit), e.g. <c>requests = 10000</c>. A meter without an
    /// allowance is counted and never refuses. Meter names are case-sensitive.
    /// </summary>
    public Dictionary<string, long> Allowances { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets each meter's alert thresholds, in percent of the meter's limit in the cycle (its allowance plus the
    /// cycle's grants), e.g. <c>requests = [80, 100]</c>. When a consume or record takes a subject's usage from below a
    /// threshold to it or past it, one <see cref="QuotaAlert"/> is raised for that subject, meter, threshold and cycle —
    /// once across every instance sharing the store — and delivered to each <see cref="IQuotaAlertHandler"/>, as a log line
    /// and as the <c>quota.alerts</c> metric. A threshold is a positive whole number; above 100 it is reached only by
    /// records and shadow policies, which may pass the allowance. Meter names are case-sensitive.
    /// </summary>
    /// <remarks>In configuration: <c>"Thresholds": { "requests": [80, 100] }</c>, or <c>"80%, 100%"</c> as one value.</remarks>
    public Dictionary<string, List<int>> Thresholds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets where cycles are counted from. Defaults to <see cref="QuotaAnchorMode.FirstUse"/>. Configuration also
    /// reads it from Zuplo's <c>quotaAnchorMode</c> (<c>first-api-call</c>, <c>function</c>), and <c>calendar</c>.
    /// </summary>
    public QuotaAnchorMode AnchorMode { get; set; } = QuotaAnchorMode.FirstUse;

    /// <summary>Gets or sets the IANA time zone whose calendar the period follows, e.g. <c>Europe/Berlin</c>. Defaults to <c>UTC</c>.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Gets or sets whether the policy refuses or only reports. Defaults to <see cref="QuotaEnforcement.Enforce"/>.</summary>
    public QuotaEnforcement Enforcement { get; set; } = QuotaEnforcement.Enforce;

    /// <summary>Gets or sets what a consume answers when the store fails. Defaults to <see cref="QuotaFailureMode.FailClosed"/>.</summary>
    public QuotaFailureMode FailureMode { get; set; } = QuotaFailureMode.FailClosed;

    /// <summary>Gets or sets how long a store call may take before the failure mode applies. Defaults to one second.</summary>
    /// <remarks>
    /// <para>
    /// The one deadline of a store call. The store receives a token that is cancelled once this much time has passed
    /// (or when the caller's own token is cancelled) and bounds its own waiting by it; Quota keeps no second timer. A
    /// consume whose call ran out of time answers with the failure mode: <see cref="QuotaOutcome.FailedOpen"/> or
    /// <see cref="QuotaOutcome.FailedClosed"/>, with a <see cref="QuotaStoreException"/> whose inner exception is a
    /// <see cref="TimeoutException"/>; other calls throw that exception. The timer runs on the application's
    /// <see cref="TimeProvider"/> (see <see cref="QuotaBuilder.UseTimeProvider"/>).
    /// </para>
    /// <para>
    /// What happened to a call that timed out depends on where it was: one that had not reached the store yet (SQLite:
    /// waiting for this process's writer; Redis: queued for a batch) is never applied. One already sent to Redis may still
    /// be applied there: the caller stops waiting, the server cannot be told. One already running inside SQLite finishes
    /// and answers with its real result, late. The in-memory store answers at once and never times out. Each store's
    /// README says the same.
    /// </para>
    /// </remarks>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the function that supplies a subject's anchor (e.g. its subscription start); required with
    /// <see cref="QuotaAnchorMode.Function"/>. Results are cached for <see cref="SubjectCacheDuration"/>. Code only.
    /// </summary>
    public Func<string, CancellationToken, ValueTask<Instant>>? AnchorProvider { get; set; }

    /// <summary>
    /// Gets or sets an optional function that maps a subject key to the key to count under and that subject's allowances
    /// (dynamic allowances, e.g. by plan). Results are cached for <see cref="SubjectCacheDuration"/>, since it may call
    /// another service. Code only.
    /// </summary>
    public Func<string, CancellationToken, ValueTask<QuotaSubjectDetail>>? SubjectProvider { get; set; }

    /// <summary>Gets or sets how long results of <see cref="AnchorProvider"/> and <see cref="SubjectProvider"/> are cached. Defaults to one minute; zero calls them every time.</summary>
    public TimeSpan SubjectCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets the settings another package adds to this policy (e.g. Quota.AspNetCore's <c>QuotaBy</c> and
    /// <c>QuotaOnStatusCodes</c>), creating them with their defaults on first use. Packages wrap this in a named
    /// extension method, such as Quota.AspNetCore's <c>policy.Http()</c>.
    /// </summary>
    /// <typeparam name="TSettings">The package's settings type.</typeparam>
    /// <returns>The one instance of <typeparamref name="TSettings"/> this policy holds.</returns>
    public TSettings Settings<TSettings>()
        where TSettings : class, new()
        => _settings.Get<TSettings>();
}
