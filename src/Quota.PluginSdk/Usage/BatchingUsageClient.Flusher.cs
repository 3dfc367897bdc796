namespace Quota.PluginSdk;

internal sealed partial class BatchingUsageClient
{
    /// <summary>
    /// The background flusher. It flushes a full batch once the minimum time since the last flush has passed, and
    /// anything pending (or a batch that failed before) at the maximum time; in between it sleeps until a counting
    /// thread signals a full batch or the maximum time comes. Intervals are measured on the client's
    /// <see cref="TimeProvider"/>'s monotonic timestamps, so a change of the wall clock neither hastens nor delays a flush.
    /// </summary>
    private async Task RunFlusherAsync()
    {
        var cancellationToken = _stop.Token;
        try
        {
            await RefreshQuotaAsync(cancellationToken).ConfigureAwait(false);

            // No flush yet, so the first full batch goes at once (Go's last-flush time starts at zero); ticks count from now.
            long? lastFlush = null;
            var sinceTick = _time.GetTimestamp();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Re-arm the signal before looking, so a batch that fills after this look wakes the wait below.
                Volatile.Write(ref _batchSignalled, 0);
                var pending = Volatile.Read(ref _pending.Value);
                if (pending >= _batchLimit)
                {
                    var tooSoon = lastFlush is { } last ? _minBetweenFlushes - _time.GetElapsedTime(last) : TimeSpan.Zero;
                    if (tooSoon > TimeSpan.Zero)
                    {
                        // Full, but too soon: counting threads need not signal again meanwhile.
                        Volatile.Write(ref _batchSignalled, 1);
                        await Task.Delay(tooSoon, _time, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }
                else if (_maxBetweenFlushes - _time.GetElapsedTime(sinceTick) is var untilTick && untilTick > TimeSpan.Zero)
                {
                    await WaitForBatchOrTickAsync(untilTick, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                else if (pending <= 0 && Volatile.Read(ref _unsent) is null)
                {
                    if (Volatile.Read(ref _outOfQuota) != 0)
                    {
                        // The allowance may have been raised, or the cycle may have reset.
                        await RefreshQuotaAsync(cancellationToken).ConfigureAwait(false);
                    }

                    sinceTick = _time.GetTimestamp();
                    continue;
                }

                await FlushAsync(drain: false, cancellationToken).ConfigureAwait(false);
                lastFlush = _time.GetTimestamp();
                sinceTick = lastFlush.Value;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Closing: the close flushes what is left.
        }
        catch (Exception ex)
        {
            UsageClientLog.FlusherFailed(_logger, ex, _meta.Team);
        }
    }

    private async Task WaitForBatchOrTickAsync(TimeSpan untilTick, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signal = _wake.WaitAsync(wait.Token);
        var tick = Task.Delay(untilTick, _time, wait.Token);
        await Task.WhenAny(signal, tick).ConfigureAwait(false);
        wait.Cancel();
        await Task.WhenAll(signal, tick).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
