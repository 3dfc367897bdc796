namespace Quota.PluginSdk;

internal sealed partial class BatchingUsageClient
{
    public async ValueTask<CheckQuotaResult> CheckQuotaAsync(CancellationToken cancellationToken = default)
    {
        var version = ViewVersion();
        var usage = await _quota.GetUsageAsync(_policy, _subject, cancellationToken).ConfigureAwait(false);
        ApplyUsage(usage, version);
        if (!usage.Remaining.TryGetValue(UsageMeters.Rows, out var stored))
        {
            return new CheckQuotaResult(HasQuota: true, _queryInterval, RemainingRows: null, usage.NextResetDate);
        }

        // Rows counted here but not yet recorded are spent too.
        var remaining = Math.Max(0, stored - UnrecordedRows());
        return new CheckQuotaResult(remaining > 0, _queryInterval, remaining, usage.NextResetDate);
    }

    /// <summary>Reads the team's usage and updates what this client knows of its allowance; a failure keeps the last view.</summary>
    private async Task RefreshQuotaAsync(CancellationToken cancellationToken)
    {
        var version = ViewVersion();
        try
        {
            var usage = await _quota.GetUsageAsync(_policy, _subject, cancellationToken).ConfigureAwait(false);
            ApplyUsage(usage, version);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            UsageClientLog.UsageReadFailed(_logger, ex, _subject, _policy);
        }
    }

    private long ViewVersion()
    {
        lock (_viewLock)
        {
            return _recordedBatches;
        }
    }

    private long UnrecordedRows()
    {
        lock (_viewLock)
        {
            return (_unsent?.Rows ?? 0) + Math.Max(0, Volatile.Read(ref _pending.Value));
        }
    }

    /// <summary>
    /// Sets how many rows may still be pending from the store's remaining rows, unless a batch was recorded since the read
    /// began (the read would then miss that batch and overstate what is left).
    /// </summary>
    private void ApplyUsage(QuotaUsage usage, long versionAtRead)
    {
        bool exhausted;
        lock (_viewLock)
        {
            if (_recordedBatches != versionAtRead)
            {
                return;
            }

            var quota = usage.Remaining.TryGetValue(UsageMeters.Rows, out var remaining)
                ? remaining - (_unsent?.Rows ?? 0)
                : long.MaxValue;
            Volatile.Write(ref _pendingQuota, quota);
            exhausted = Volatile.Read(ref _pending.Value) >= quota;
            if (!exhausted)
            {
                // A new cycle or a raised allowance: rows are accepted again.
                Volatile.Write(ref _outOfQuota, 0);
            }
        }

        if (exhausted)
        {
            MarkOutOfQuota();
        }
    }
}
