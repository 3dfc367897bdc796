namespace Quota.PluginSdk;

/// <summary>
/// A running quota monitor: a token that is cancelled when the quota runs out (or its quota cannot be
/// checked), and the reason why. Dispose it when the sync ends to stop checking.
/// </summary>
public sealed class QuotaMonitorScope : IAsyncDisposable, IDisposable
{
    private readonly IQuotaMonitor _monitor;
    private readonly QuotaMonitorOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _sync;
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;
    private Exception? _reason;

    internal QuotaMonitorScope(IQuotaMonitor monitor, QuotaMonitorOptions options, TimeSpan? firstInterval, CancellationToken cancellationToken)
    {
        _monitor = monitor;
        _options = options;
        _time = options.TimeProvider ?? TimeProvider.System;
        _sync = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(_sync.Token);
        _loop = Task.Run(() => RunAsync(firstInterval ?? options.CheckInterval));
    }

    /// <summary>Gets the token to run the sync with: cancelled when the quota runs out, when checks keep failing, or with the caller's token.</summary>
    public CancellationToken Token => _sync.Token;

    /// <summary>
    /// Gets why the monitor cancelled <see cref="Token"/>: a <see cref="QuotaExceededException"/> naming the plugin (or team), or an
    /// <see cref="AggregateException"/> holding every failed check. <see langword="null"/> while it has not, or when the caller's token did.
    /// </summary>
    public Exception? Reason => Volatile.Read(ref _reason);

    /// <summary>Throws <see cref="Reason"/> if the monitor cancelled the token, else an <see cref="OperationCanceledException"/> if the caller did.</summary>
    /// <exception cref="QuotaExceededException">The quota ran out.</exception>
    /// <exception cref="AggregateException">The quota could not be checked too many times in a row.</exception>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled.</exception>
    public void ThrowIfCancellationRequested()
    {
        if (Reason is { } reason)
        {
            throw reason;
        }

        Token.ThrowIfCancellationRequested();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _sync.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task RunAsync(TimeSpan interval)
    {
        var cancellationToken = _stop.Token;
        var failures = new List<Exception>();
        try
        {
            while (true)
            {
                await _time.DelayAsync(interval, cancellationToken).ConfigureAwait(false);
                CheckQuotaResult result;
                try
                {
                    result = await _monitor.CheckQuotaAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures.Add(ex);
                    QuotaMonitorLog.CheckFailed(_options.Logger, ex, _monitor.TeamName, failures.Count, _options.MaxConsecutiveFailures);
                    if (failures.Count >= _options.MaxConsecutiveFailures)
                    {
                        QuotaMonitorLog.GaveUp(_options.Logger, _monitor.TeamName, failures.Count);
                        await CancelAsync(new AggregateException(
                            $"The quota of team '{_monitor.TeamName}' could not be checked {failures.Count} times in a row, so the sync was stopped rather than run uncapped. Check that the quota store is reachable; the failures are the inner exceptions.",
                            failures)).ConfigureAwait(false);
                        return;
                    }

                    continue;
                }

                failures.Clear();
                interval = Suggested(result) ?? interval;
                if (!result.HasQuota)
                {
                    QuotaMonitorLog.QuotaExceeded(_options.Logger, _monitor.TeamName);
                    await CancelAsync(QuotaExceededException.For(_monitor, result.ResetsAt)).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed, or the caller cancelled the sync.
        }
    }

    /// <summary>
    /// The interval a check suggests, if it suggests a usable one. As in CloudQuery's monitor, the polling interval
    /// changes only then: a failed check, or one that suggests none (or zero or less), keeps the current interval.
    /// </summary>
    internal static TimeSpan? Suggested(CheckQuotaResult result)
        => result.SuggestedQueryInterval is { } suggested && suggested > TimeSpan.Zero ? suggested : null;

    private Task CancelAsync(Exception reason)
    {
        // The reason is set before the token is cancelled, so whoever sees the cancellation can read it.
        Volatile.Write(ref _reason, reason);
        return _sync.CancelAsync();
    }
}
