namespace Quota.PluginSdk;

/// <summary>Stops a sync when it runs out of quota: CloudQuery's <c>WithCancelOnQuotaExceeded</c>.</summary>
public static class QuotaMonitor
{
    /// <summary>
    /// Checks the team's quota once right away, then at intervals in the background, and cancels the returned scope's
    /// token when the quota runs out or when too many checks in a row fail.
    /// </summary>
    /// <param name="cancellationToken">The sync's own token; the scope's token is cancelled with it.</param>
    /// <param name="monitor">What to check, usually the sync's <see cref="IUsageClient"/>.</param>
    /// <param name="options">The interval and failure limit; <see langword="null"/> for the defaults (30 s, 10 failures).</param>
    /// <returns>
    /// The running monitor: pass its <see cref="QuotaMonitorScope.Token"/> to the sync, read
    /// <see cref="QuotaMonitorScope.Reason"/> after a cancellation, and dispose it when the sync ends.
    /// </returns>
    /// <exception cref="QuotaExceededException">No quota is left now; the message names the plugin (or team) and what to do.</exception>
    /// <exception cref="QuotaStoreException">The first check failed.</exception>
    public static async Task<QuotaMonitorScope> WithCancelOnQuotaExceeded(CancellationToken cancellationToken, IQuotaMonitor monitor, QuotaMonitorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        var copy = (options ?? new QuotaMonitorOptions()).Copy();
        copy.ThrowIfInvalid();

        var first = await monitor.CheckQuotaAsync(cancellationToken).ConfigureAwait(false);
        if (!first.HasQuota)
        {
            throw QuotaExceededException.For(monitor, first.ResetsAt);
        }

        return new QuotaMonitorScope(monitor, copy, QuotaMonitorScope.Suggested(first), cancellationToken);
    }
}
