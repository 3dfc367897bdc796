namespace Quota.PluginSdk;

/// <summary>Something that can say whether a plugin (or its team) still has quota: what <see cref="QuotaMonitor"/> watches.</summary>
public interface IQuotaMonitor
{
    /// <summary>Gets the team whose allowance, or whose plugin's allowance, is checked.</summary>
    string TeamName { get; }

    /// <summary>Reads the remaining allowance from the quota store.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether rows may still be synced, and when to ask again.</returns>
    /// <exception cref="QuotaStoreException">The store failed or did not answer in time.</exception>
    ValueTask<CheckQuotaResult> CheckQuotaAsync(CancellationToken cancellationToken = default);
}
