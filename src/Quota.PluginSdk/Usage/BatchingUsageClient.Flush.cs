namespace Quota.PluginSdk;

internal sealed partial class BatchingUsageClient
{
    /// <summary>
    /// Sends the unsent batch if there is one, then a batch of everything counted since. With <paramref name="drain"/>,
    /// keeps taking batches until nothing is pending (the close). Only one flush runs at a time.
    /// </summary>
    /// <returns>The failure of a batch that could not be recorded after every retry, or <see langword="null"/>.</returns>
    private async Task<Exception?> FlushAsync(bool drain, CancellationToken cancellationToken)
    {
        // A batch that failed before goes first, under its own id, so that it is counted once whatever happened to it.
        if (_unsent is { } unsent && await SendAsync(unsent, cancellationToken).ConfigureAwait(false) is { } unsentFailure)
        {
            return unsentFailure;
        }

        do
        {
            if (TakeBatch() is not { } batch)
            {
                break;
            }

            if (await SendAsync(batch, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                return failure;
            }
        }
        while (drain);

        await RefreshQuotaAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Takes everything counted so far into a new batch: reads each counter and subtracts exactly what it read, so rows
    /// counted meanwhile stay for the next batch.
    /// </summary>
    private UsageBatch? TakeBatch()
    {
        Dictionary<string, long> amounts;
        long rows = 0;
        if (_guard.Mode == IncreaseGuard.PerTable)
        {
            amounts = new Dictionary<string, long>(_tables.Count + 2, StringComparer.Ordinal);
            foreach (var counter in _tables.Values)
            {
                var taken = Volatile.Read(ref counter.Rows);
                if (taken > 0)
                {
                    Interlocked.Add(ref counter.Rows, -taken);
                    amounts[counter.Meter] = taken;
                    rows += taken;
                }
            }

            if (rows == 0)
            {
                return null;
            }
        }
        else
        {
            rows = Volatile.Read(ref _pending.Value);
            if (rows <= 0)
            {
                return null;
            }

            amounts = new Dictionary<string, long>(2, StringComparer.Ordinal);
        }

        amounts[UsageMeters.Rows] = rows;
        if (_pluginMeter is not null)
        {
            amounts[_pluginMeter] = rows;
        }

        Interlocked.Add(ref _pending.Value, -rows);
        var batch = new UsageBatch(Guid.NewGuid().ToString("N"), amounts, rows);
        lock (_viewLock)
        {
            _unsent = batch;

            // The rows moved from pending into the batch, so fewer may still be pending before the allowance is used up.
            var quota = Volatile.Read(ref _pendingQuota);
            if (quota != long.MaxValue)
            {
                Volatile.Write(ref _pendingQuota, quota - rows);
            }
        }

        return batch;
    }

    /// <summary>Records a batch under its idempotency id, retrying at once with capped exponential backoff and jitter.</summary>
    private async Task<Exception?> SendAsync(UsageBatch batch, CancellationToken cancellationToken)
    {
        var maxAttempts = (long)_maxRetries + 1;
        for (var attempt = 1L; ; attempt++)
        {
            batch.Attempts++;
            try
            {
                var applied = await _quota.RecordAsync(_policy, _subject, batch.Amounts, batch.Id, cancellationToken).ConfigureAwait(false);
                if (applied)
                {
                    UsageClientLog.Recorded(_logger, batch.Rows, _subject, _policy, batch.Id, batch.Attempts);
                }
                else
                {
                    UsageClientLog.AlreadyRecorded(_logger, batch.Id, _subject);
                }

                lock (_viewLock)
                {
                    _unsent = null;
                    _recordedBatches++;
                }

                return null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is ArgumentException or QuotaOverflowException)
            {
                // A bad policy or amount, or a meter that would pass long.MaxValue, is not an outage: retrying cannot help.
                UsageClientLog.GaveUp(_logger, ex, batch.Rows, _subject, batch.Attempts);
                return ex;
            }
            catch (Exception ex)
            {
                if (attempt >= maxAttempts)
                {
                    UsageClientLog.GaveUp(_logger, ex, batch.Rows, _subject, batch.Attempts);
                    return ex;
                }

                var delay = Backoff(attempt);
                UsageClientLog.Retrying(_logger, ex, batch.Rows, _subject, attempt, maxAttempts, delay);
                await _time.DelayAsync(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The wait before retry <paramref name="retry"/> (1-based): <c>MinWaitTime × 2^(retry−1)</c> capped at
    /// <c>MaxWaitTime</c> (so every wait is the cap when it is below the first wait, as in Go's HTTP client), then
    /// jittered to between half and all of that, so clients that failed together spread out.
    /// </summary>
    internal TimeSpan Backoff(long retry)
    {
        var exponent = Math.Min(retry - 1, 30);
        var cap = Math.Min(_maxWait.Ticks, TimerLimits.Longest.Ticks);
        var ticks = Math.Min((double)_minWait.Ticks * Math.Pow(2, exponent), cap);
        var jittered = (ticks / 2) + (Random.Shared.NextDouble() * ticks / 2);
        return TimeSpan.FromTicks((long)jittered);
    }
}
