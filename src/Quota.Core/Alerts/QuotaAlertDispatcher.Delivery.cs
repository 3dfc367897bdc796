namespace Quota;

internal sealed partial class QuotaAlertDispatcher
{
    private async Task DeliverAsync(PendingAlert pending)
    {
        if (!await MarkAsync(pending).ConfigureAwait(false))
        {
            return;
        }

        var alert = pending.ToAlert();
        _metrics.AlertRaised(alert.Policy, alert.Meter, alert.Percent);
        foreach (var handler in _handlers)
        {
            await InvokeAsync(handler, alert).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Marks the alert in the store. Returns <see langword="false"/> when it was marked before (by another instance, or an
    /// earlier crossing after a refund or a grant) or could not be marked: either way it is not delivered.
    /// </summary>
    private async Task<bool> MarkAsync(PendingAlert pending)
    {
        var mark = new QuotaAlertMark(pending.Meter, pending.Percent, pending.ReachedAt);
        for (var attempt = 1; ; attempt++)
        {
            var trace = _storeCalls.Start(pending.Counter.Policy, StoreOperation.MarkAlert);
            Exception failed;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(pending.StoreTimeout);
                return await _store.TryMarkAlertAsync(pending.Counter, mark, pending.ExpiresAt, timeout.Token)
                    .AsTask().WaitAsync(pending.StoreTimeout, _time, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                trace?.Fail(ex, timedOut: !_stopping.IsCancellationRequested && ex is TimeoutException or OperationCanceledException);
                if (_stopping.IsCancellationRequested)
                {
                    throw;
                }

                failed = ex;
            }
            finally
            {
                trace?.Stop();
            }

            if (attempt == MarkAttempts)
            {
                _metrics.AlertDropped(pending.Counter.Policy, pending.Meter, pending.Percent, QuotaDiagnostics.ErrorType(failed));
                QuotaAlertLog.MarkFailed(_logger, pending.Percent, pending.Counter.Policy, pending.Meter, attempt, failed);
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 << (2 * (attempt - 1))), _time, _stopping.Token).ConfigureAwait(false);
        }
    }

    private async Task InvokeAsync(IQuotaAlertHandler handler, QuotaAlert alert)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        try
        {
            // WaitAsync bounds a handler that ignores its token; the token tells one that listens to stop.
            await handler.HandleAsync(alert, cancellation.Token).AsTask()
                .WaitAsync(_options.HandlerTimeout, _time, _stopping.Token).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await cancellation.CancelAsync().ConfigureAwait(false);
            QuotaAlertLog.HandlerTimedOut(_logger, Name(handler), alert.Percent, alert.Policy, alert.Meter, _options.HandlerTimeout.TotalMilliseconds);
        }
        catch (Exception ex) when (!_stopping.IsCancellationRequested)
        {
            QuotaAlertLog.HandlerFailed(_logger, Name(handler), alert.Percent, alert.Policy, alert.Meter, ex);
        }
    }

    private static string Name(IQuotaAlertHandler handler) => handler.GetType().FullName ?? handler.GetType().Name;
}
