namespace Quota.PluginSdk;

internal sealed partial class BatchingUsageClient
{
    /// <summary>
    /// The background flusher. A batch is due when it is full or when the maximum time has passed since the last tick;
    /// a due batch is flushed once the minimum time since the last flush has passed (at once before the first flush, as
    /// in Go, whose last-flush time starts at zero). In between it sleeps until a counting thread signals a full batch or
    /// the next tick comes. Intervals are measured on the <see cref="TimeProvider"/>'s monotonic timestamps, so a change
    /// of the wall clock neither hastens nor delays a flush.
    /// </summary>
    private async Task RunFlusherAsync()
    {
        var cancellationToken = _stop.Token;
        try
        {
            await RefreshQuotaAsync(cancellationToken).ConfigureAwait(false);
            long? lastFlush = null;
            var lastTick = _time.GetTimestamp();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Re-arm the signal before looking, so a batch that fills after this look wakes the wait below.
                Volatile.Write(ref _batchSignalled, 0);
                var pending = Volatile.Read(ref _pending.Value);
                var full = pending >= _batchLimit;
                var untilTick = _maxBetweenFlushes - _time.GetElapsedTime(lastTick);
                if (!full && untilTick > TimeSpan.Zero)
                {
                    await WaitForBatchOrTickAsync(untilTick, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!full && pending <= 0 && Volatile.Read(ref _unsent) is null)
                {
                    if (Volatile.Read(ref _outOfQuota) != 0)
                    {
                        // The allowance may have been raised, or the cycle may have reset.
                        await RefreshQuotaAsync(cancellationToken).ConfigureAwait(false);
                    }

                    lastTick = _time.GetTimestamp();
                    continue;
                }

                if (lastFlush is { } last && _minBetweenFlushes - _time.GetElapsedTime(last) is var tooSoon && tooSoon > TimeSpan.Zero)
                {
                    // Due, but too soon: counting threads need not signal a full batch meanwhile.
                    Volatile.Write(ref _batchSignalled, 1);
                    await _time.DelayAsync(tooSoon, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await FlushAsync(drain: false, cancellationToken).ConfigureAwait(false);
                lastFlush = lastTick = _time.GetTimestamp();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Closing: the close flushes what is left.
        }
        catch (Exception ex)
        {
            UsageClientLog.FlusherFailed(_logger, ex, _subject);
        }
    }

    private async Task WaitForBatchOrTickAsync(TimeSpan untilTick, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = _wake.WaitAsync(wait.Token);
        var tick = _time.DelayAsync(untilTick, wait.Token);
        await Task.WhenAny(signal, tick).ConfigureAwait(false);
        wait.Cancel();
        await Task.WhenAll(signal, tick).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
