using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Quota.PluginSdk;

/// <summary>
/// The metered usage client: counts rows in lock-free counters and records them under a quota policy in the
/// background, in batches that carry an idempotency id.
/// </summary>
/// <remarks>
/// The state is split by who touches it. The counting threads touch only <see cref="_pending"/>, the table counters and
/// a few flags. One flusher at a time — the background loop, then the close — takes batches and writes them. The
/// quota view (<see cref="_pendingQuota"/> and the unsent batch) changes under <see cref="_viewLock"/>, never around I/O.
/// </remarks>
internal sealed partial class BatchingUsageClient : IUsageClient
{
    private readonly PluginMeta _meta;
    private readonly UsageScope _scope;
    private readonly string _subject;

    /// <summary>The plugin's meter in its team's pooled usage, or <see langword="null"/> when the subject key names the plugin already.</summary>
    private readonly string? _pluginMeter;
    private readonly IQuotaService _quota;
    private readonly string _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _batchLimit;
    private readonly TimeSpan _minBetweenFlushes;
    private readonly TimeSpan _maxBetweenFlushes;
    private readonly int _maxRetries;
    private readonly TimeSpan _minWait;
    private readonly TimeSpan _maxWait;
    private readonly TimeSpan? _queryInterval;
    private readonly ConcurrentDictionary<string, TableCounter> _tables = new(StringComparer.Ordinal);
    private readonly TableCounter?[] _recentTables = new TableCounter?[4];
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _viewLock = new();
    private readonly Task _flusher;

    /// <summary>Rows counted and not yet taken into a batch.</summary>
    private PaddedCounter _pending;

    private IncreaseGuard _guard;

    /// <summary>1 once the flusher has been woken for a full batch and not yet looked again.</summary>
    private int _batchSignalled;

    /// <summary>
    /// How many rows may be pending before the allowance is used up: the store's remaining rows at the last read,
    /// less the rows of the unsent batch. <see cref="long.MaxValue"/> while unknown or when rows are not capped.
    /// </summary>
    private long _pendingQuota = long.MaxValue;

    /// <summary>1 while this client knows the allowance is used up.</summary>
    private int _outOfQuota;

    private int _recentNext;
    private UsageBatch? _unsent;
    private long _recordedBatches;
    private Task? _close;

    public BatchingUsageClient(PluginMeta meta, IQuotaService quota, string policy, UsageClientOptions options, TimeProvider time)
    {
        _meta = meta;
        _scope = options.Scope;
        _subject = UsageSubjects.KeyOf(meta, options.Scope);
        _pluginMeter = options.Scope == UsageScope.Team ? UsageMeters.ForPlugin(meta) : null;
        _quota = quota;
        _policy = policy;
        _time = time;
        _logger = options.Logger;
        // A limit of 0 (Go's WithBatchLimit(0)) means every increase is a full batch, as a limit of 1 does.
        _batchLimit = Math.Max(1, options.BatchLimit);
        _minBetweenFlushes = options.MinTimeBetweenFlushes;
        _maxBetweenFlushes = options.MaxTimeBetweenFlushes;
        _maxRetries = options.MaxRetries;
        _minWait = options.MinWaitTime;
        _maxWait = options.MaxWaitTime;
        _queryInterval = options.QuotaQueryInterval;
        _flusher = Task.Run(RunFlusherAsync);
    }

    public string TeamName => _meta.Team;

    public PluginMeta Plugin => _meta;

    public UsageScope Scope => _scope;

    public string SubjectKey => _subject;

    /// <summary>Gets the number of batches the store has confirmed (for tests and diagnostics).</summary>
    internal long RecordedBatches => Interlocked.Read(ref _recordedBatches);
}
