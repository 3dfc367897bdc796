namespace Quota.PluginSdk;

/// <summary>
/// Counts the rows a plugin syncs against its allowance (the plugin's own by default, or its team's; see
/// <see cref="UsageScope"/>), in batches written to the quota store in the background. Create one per sync with <see cref="UsageClient.Create(PluginMeta, IQuotaService, string, UsageClientOptions?)"/>
/// and close it when the sync ends.
/// </summary>
/// <remarks>
/// <para>
/// A client counts either in total (<see cref="Increase"/>) or per table (<see cref="IncreaseForTable"/>): the first call
/// fixes the mode and a call of the other kind throws. A closed client refuses every call with
/// <see cref="ObjectDisposedException"/> before looking at the mode, so a call after close fixes nothing. Counting is lock-free and allocation-free; rows reach the store
/// when a batch fills (no sooner than <see cref="UsageClientOptions.MinTimeBetweenFlushes"/> after the previous flush),
/// at the latest <see cref="UsageClientOptions.MaxTimeBetweenFlushes"/> after they were counted, and on close.
/// </para>
/// <para>
/// Each batch is recorded with an idempotency id that it keeps across retries, so a retried write whose first attempt
/// did land is not counted twice. Rows counted on another thread while <see cref="CloseAsync"/> starts may be refused
/// or counted; finish counting before closing.
/// </para>
/// <para>
/// <see cref="IAsyncDisposable.DisposeAsync"/> closes the client the same way and ends as the first close ended, so
/// <c>await using</c> never loses rows silently.
/// </para>
/// </remarks>
public interface IUsageClient : IQuotaMonitor, IAsyncDisposable
{
    /// <summary>Gets the plugin whose rows the client counts.</summary>
    PluginMeta Plugin { get; }

    /// <summary>Gets whose allowance the rows count against: the plugin's own (the default) or its team's.</summary>
    UsageScope Scope { get; }

    /// <summary>Gets the subject key the rows are recorded under (<see cref="UsageSubjects.KeyOf"/>), e.g. <c>acme/source/github</c>.</summary>
    string SubjectKey { get; }

    /// <summary>Counts rows in total.</summary>
    /// <param name="rows">The number of rows synced; 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is 0.</exception>
    /// <exception cref="InvalidOperationException">The client counts per table (<see cref="IncreaseForTable"/> was called first).</exception>
    /// <exception cref="ObjectDisposedException">The client is closed.</exception>
    void Increase(uint rows);

    /// <summary>Counts rows of one table; they count towards the total as well.</summary>
    /// <param name="table">The table's name.</param>
    /// <param name="rows">The number of rows synced; 1 or more.</param>
    /// <exception cref="ArgumentException"><paramref name="table"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is 0.</exception>
    /// <exception cref="InvalidOperationException">The client counts in total (<see cref="Increase"/> was called first).</exception>
    /// <exception cref="ObjectDisposedException">The client is closed.</exception>
    void IncreaseForTable(string table, uint rows);

    /// <summary>
    /// Counts rows in total unless this client already knows the allowance (the plugin's, or its team's) is used up: from the store's usage at
    /// its last flush or check, plus everything it counted since.
    /// </summary>
    /// <param name="rows">The number of rows about to be synced; 1 or more.</param>
    /// <returns><see langword="false"/> when the allowance is used up; nothing was counted.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is 0.</exception>
    /// <exception cref="InvalidOperationException">The client counts per table.</exception>
    /// <exception cref="ObjectDisposedException">The client is closed.</exception>
    bool TryIncrease(uint rows);

    /// <summary>Counts rows of one table, as <see cref="IncreaseForTable"/>, unless this client already knows the allowance (the plugin's, or its team's) is used up.</summary>
    /// <param name="table">The table's name.</param>
    /// <param name="rows">The number of rows about to be synced; 1 or more.</param>
    /// <returns><see langword="false"/> when the allowance is used up; nothing was counted.</returns>
    /// <exception cref="ArgumentException"><paramref name="table"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is 0.</exception>
    /// <exception cref="InvalidOperationException">The client counts in total.</exception>
    /// <exception cref="ObjectDisposedException">The client is closed.</exception>
    bool TryIncreaseForTable(string table, uint rows);

    /// <summary>
    /// Stops counting and writes every row not yet recorded, at once (the minimum time between flushes does not apply),
    /// retrying as configured. Calling it again returns the same task: the first close's outcome.
    /// </summary>
    /// <returns>A task that completes when every counted row is recorded.</returns>
    /// <exception cref="UsageReportException">Rows could not be recorded after every retry; the store's failure is the inner exception.</exception>
    Task CloseAsync();
}
