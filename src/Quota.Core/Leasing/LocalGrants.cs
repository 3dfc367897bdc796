namespace Quota;

/// <summary>
/// The seam behind the service's local path: grants decided in this process from a <see cref="LocalCounter"/> cached on
/// the subject's cycle. The in-memory store fills it with its own counters (<see cref="InMemoryGrants"/>), and a leasing
/// store with leased blocks (<see cref="LeaseGrants"/>); a policy with neither asks its store on every consume.
/// </summary>
internal abstract class LocalGrants
{
    /// <summary>
    /// Decides a consume locally when it can: through the counter cached on <paramref name="box"/>, or one it finds (and
    /// caches there). <see langword="false"/> sends the caller to the store, after which it calls <see cref="OnStoreAnswer"/>.
    /// </summary>
    public abstract bool TryConsume(CycleBox box, in QuotaCounterKey counter, QuotaMeterDelta[] deltas, CancellationToken cancellationToken, out QuotaStoreResult result);

    /// <summary>Tells the local side what the store answered to a consume it could not decide.</summary>
    public virtual void OnStoreAnswer(CycleBox box, QuotaMeterDelta[] deltas, in QuotaStoreResult result)
    {
    }

    /// <summary>
    /// Reads a counter's usage through <paramref name="read"/>, with what this process knows better: on a leased policy,
    /// the units held unspent in blocks, and its own grants not reported yet (spent, not held).
    /// </summary>
    /// <returns>Each meter's value, and each meter's units held unspent in blocks (<see langword="null"/> when nothing is leased).</returns>
    public virtual async ValueTask<(IReadOnlyDictionary<string, long> Meters, IReadOnlyDictionary<string, long>? Held)> ReadAsync(
        QuotaCounterKey counter,
        Func<CancellationToken, ValueTask<IReadOnlyDictionary<string, long>>> read,
        CancellationToken cancellationToken)
        => (await read(cancellationToken).ConfigureAwait(false), null);
}
