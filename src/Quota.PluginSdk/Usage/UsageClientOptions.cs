using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Quota.PluginSdk;

/// <summary>
/// How a usage client batches and retries. The defaults are CloudQuery's: batches of 1000 rows, flushes at least
/// 10 s and at most 30 s apart, 5 retries with exponential backoff capped at 60 s.
/// </summary>
/// <remarks>
/// Validated once when a client is created; every problem is reported together. The client keeps a copy. Every value
/// CloudQuery's Go client gives a meaning is accepted, and each property says what its edge values do; only values
/// with no meaning (negative counts and times, a maximum time between flushes that is not positive) are refused.
/// </remarks>
public sealed class UsageClientOptions
{
    /// <summary>
    /// Gets or sets how many counted rows make a full batch, which is flushed as soon as
    /// <see cref="MinTimeBetweenFlushes"/> allows. Defaults to 1000. 0 (Go's <c>WithBatchLimit(0)</c>) and 1 both send
    /// every increase: at once the first time, then each no sooner than the minimum time after the previous flush.
    /// </summary>
    public int BatchLimit { get; set; } = 1000;

    /// <summary>
    /// Gets or sets the least time between two flushes: a full batch, or a tick of <see cref="MaxTimeBetweenFlushes"/>,
    /// waits until this much time has passed since the previous flush. The first flush has no previous one, so a batch
    /// that fills right after the client is created is sent at once, as in CloudQuery. Defaults to 10 seconds; zero
    /// means no minimum. Closing ignores it.
    /// </summary>
    public TimeSpan MinTimeBetweenFlushes { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the longest time counted rows wait before they are flushed, even when the batch is not full.
    /// Defaults to 30 seconds; must be positive. Below <see cref="MinTimeBetweenFlushes"/> the minimum wins: a partial
    /// batch is flushed at the first tick, then no sooner than the minimum after the previous flush.
    /// <see cref="TimeSpan.MaxValue"/> flushes only full batches and on close.
    /// </summary>
    public TimeSpan MaxTimeBetweenFlushes { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often a failed flush is retried before it is reported (so up to 1 + this many attempts).
    /// Defaults to 5; 0 means no retries (Go's <c>WithMaxRetries</c> ignores values below 1 and keeps 5).
    /// </summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>
    /// Gets or sets the wait before the first retry; each further retry waits twice as long, up to <see cref="MaxWaitTime"/>.
    /// Defaults to 1 second, the first wait of the HTTP client CloudQuery's Go client retries with; zero retries at once.
    /// </summary>
    public TimeSpan MinWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest wait between two retries (the backoff cap). Defaults to 60 seconds. Below
    /// <see cref="MinWaitTime"/> every wait is the cap, as with Go's <c>WithMaxWaitTime</c>; zero retries at once. Waits
    /// are jittered to between half and all of their length, and cut to about 49 days, the longest .NET timer.
    /// </summary>
    public TimeSpan MaxWaitTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the interval the client suggests to quota monitors (<see cref="CheckQuotaResult.SuggestedQueryInterval"/>),
    /// or <see langword="null"/> (the default) to leave it to the monitor.
    /// </summary>
    public TimeSpan? QuotaQueryInterval { get; set; }

    /// <summary>
    /// Gets or sets whose allowance the rows count against: each plugin's own (<see cref="UsageScope.Plugin"/>, the
    /// default, as in CloudQuery) or the team's, shared by all its plugins (<see cref="UsageScope.Team"/>).
    /// </summary>
    public UsageScope Scope { get; set; } = UsageScope.Plugin;

    /// <summary>Gets or sets where the client logs flushes, retries and failures. Defaults to no logging.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Gets or sets the time the client's flush timer and retry backoff run on, e.g. a <c>FakeTimeProvider</c> in tests.
    /// <see langword="null"/> (the default) means <see cref="TimeProvider.System"/>, or, for clients from
    /// <see cref="IUsageClientFactory"/>, the <see cref="System.TimeProvider"/> registered in the service provider.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    internal UsageClientOptions Copy() => (UsageClientOptions)MemberwiseClone();
}
