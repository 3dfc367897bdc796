namespace Quota;

/// <summary>
/// The seam behind the service's local path: grants decided in this process from a <see cref="LocalCounter"/> cached on
/// the subject's cycle. The in-memory store fills it with its own counters (<see cref="InMemoryGrants"/>), and a leasing
/// store with leased blocks (<see cref="LeaseGrants"/>); a policy with neither asks its store on every consume.
/// </summary>
internal abstract class LocalGrants
{
    /// <summary>
    /// Gets a value indicating whether threshold alerts are watched here, from what is spent (leased blocks), rather than
    /// from each consume's and record's answer.
    /// </summary>
    public virtual bool WatchesThresholds => false;

    /// <summary>
    /// Decides a consume locally when it can: through the counter cached on <paramref name="box"/>, or one it finds (and
    /// caches there). <see langword="false"/> sends the caller to the store, after which it calls <see cref="OnStoreAnswer"/>.
    /// </summary>
    public abstract bool TryConsume(CycleBox box, in QuotaCounterKey counter, QuotaMeterDelta[] deltas, CancellationToken cancellationToken, out QuotaStoreResult result);

    /// <summary>Tells the local side what the store answered to a consume it could not decide.</summary>
    public virtual void OnStoreAnswer(CycleBox box, QuotaMeterDelta[] deltas, in QuotaStoreResult result)
    {
    }

    /// <summary>Tells the local side that a grant raised a counter's limits, so blocks may grow at once.</summary>
    public virtual void OnGranted(in QuotaCounterKey counter)
    {
    }

    /// <summary>Tells the local side that a record was added to a counter (for <see cref="WatchesThresholds"/>).</summary>
    public virtual void OnRecorded(CycleBox box, in QuotaCounterKey counter, IReadOnlyDictionary<string, long> allowances)
    {
    }

    /// <summary>
    /// Reads a counter through <paramref name="read"/>, with what this process knows better: on a leased policy, its own
    /// grants not reported yet are spent, not <see cref="QuotaCounterSnapshot.Reserved"/>.
    /// </summary>
    /// <returns>The counter's snapshot.</returns>
    public virtual ValueTask<QuotaCounterSnapshot> ReadAsync(QuotaCounterKey counter, Func<CancellationToken, ValueTask<QuotaCounterSnapshot>> read, CancellationToken cancellationToken)
        => read(cancellationToken);
}
