using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Quota.PluginSdk;

/// <summary>
/// How a usage client batches and retries. The defaults are CloudQuery's: batches of 1000 rows, flushes at least
/// 10 s and at most 30 s apart, 5 retries with exponential backoff capped at 60 s.
/// </summary>
/// <remarks>Validated once when a client is created; every problem is reported together. The client keeps a copy.</remarks>
public sealed class UsageClientOptions
{
    /// <summary>Gets or sets how many counted rows trigger a flush. Defaults to 1000.</summary>
    public int BatchLimit { get; set; } = 1000;

    /// <summary>
    /// Gets or sets the least time between two flushes: a full batch waits until this much time has passed since the
    /// previous flush. The first flush has no previous one, so a batch that fills right after the client is created is
    /// sent at once, as in CloudQuery. Defaults to 10 seconds. Closing ignores it.
    /// </summary>
    public TimeSpan MinTimeBetweenFlushes { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the longest time counted rows wait before they are flushed, even when the batch is not full.
    /// Defaults to 30 seconds; must be at least <see cref="MinTimeBetweenFlushes"/>.
    /// </summary>
    public TimeSpan MaxTimeBetweenFlushes { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a failed flush is retried before it is reported (so up to 1 + this many attempts). Defaults to 5.</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the wait before the first retry; each further retry waits twice as long. Defaults to 1 second.</summary>
    public TimeSpan MinWaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between two retries (the backoff cap). Defaults to 60 seconds. Waits are jittered between half and all of their length.</summary>
    public TimeSpan MaxWaitTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets the interval the client suggests to quota monitors (<see cref="CheckQuotaResult.SuggestedQueryInterval"/>),
    /// or <see langword="null"/> (the default) to leave it to the monitor.
    /// </summary>
    public TimeSpan? QuotaQueryInterval { get; set; }

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
