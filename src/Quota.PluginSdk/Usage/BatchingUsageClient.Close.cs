namespace Quota.PluginSdk;

internal sealed partial class BatchingUsageClient
{
    public Task CloseAsync()
    {
        if (Volatile.Read(ref _close) is { } closing)
        {
            return closing;
        }

        var outcome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.CompareExchange(ref _close, outcome.Task, null) is { } first)
        {
            return first;
        }

        _ = CompleteCloseAsync(outcome);
        return outcome.Task;
    }

    public ValueTask DisposeAsync() => new(CloseAsync());

    private async Task CompleteCloseAsync(TaskCompletionSource outcome)
    {
        try
        {
            await CloseCoreAsync().ConfigureAwait(false);
            outcome.SetResult();
        }
        catch (Exception ex)
        {
            outcome.SetException(ex);
        }
    }

    private async Task CloseCoreAsync()
    {
        _guard.Close();

        // Stop the background flusher, even mid-retry: its batch stays unsent under the same id and goes first below.
        // Cancel synchronously, so the flusher's pending waits are withdrawn before CloseAsync returns its task.
        _stop.Cancel();
        await _flusher.ConfigureAwait(false);
        _stop.Dispose();

        var failure = await FlushAsync(drain: true, CancellationToken.None).ConfigureAwait(false);
        if (failure is not null)
        {
            var unsent = Volatile.Read(ref _unsent);
            var rows = UnrecordedRows();
            throw new UsageReportException(
                $"Could not record {rows} rows of {_meta} under quota policy '{_policy}' (subject '{_subject}') after {unsent?.Attempts ?? 1} attempts: {failure.Message} "
                + "These rows are not counted. Check that the quota store is reachable, or raise UsageClientOptions.MaxRetries and MaxWaitTime to ride out longer outages.",
                failure)
            {
                Team = _meta.Team,
                UnreportedRows = rows,
                Attempts = unsent?.Attempts ?? 1,
            };
        }

        UsageClientLog.Closed(_logger, _meta);
    }
}
