namespace Quota.PluginSdk;

/// <summary>
/// Waits for time to pass. The seam that lets tests drive batching, retries and quota checks with a fake clock
/// instead of sleeping; production code uses <see cref="SystemDelays"/>.
/// </summary>
internal interface IDelayScheduler
{
    /// <summary>Completes after <paramref name="delay"/> has passed, or is cancelled.</summary>
    /// <param name="delay">How long to wait; zero or less completes at once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the time has passed.</returns>
    Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken);
}
