namespace Quota;

/// <summary>
/// A store that can hold leased blocks (see <see cref="QuotaLeaseOptions"/>): units of a counter's meters reserved for
/// one holder (an instance of the application), counted as used at once, and settled later. A store that implements it
/// passes the lease contract tests (<c>QuotaLeaseStoreContract</c>) as well as the store contract.
/// </summary>
/// <remarks>
/// <para>
/// A counter's meter value includes every block held in it: spent units and held units alike. The store keeps, per
/// counter, holder and meter, how many units the holder holds and has not reported spent, with the lease's expiry.
/// </para>
/// <para>Every promise below is atomic per counter, under any number of concurrent holders in any number of processes:</para>
/// <list type="bullet">
/// <item><see cref="LeaseAsync"/> first takes each delta's <see cref="QuotaLeaseDelta.Spent"/> from what the holder holds
/// (spent units stay counted; any excess over the holding is added to the meter unconditionally), then gives back the
/// units above <see cref="QuotaLeaseDelta.Held"/> (subtracting them from the meter), or reserves more up to it — for a
/// limited meter only as far as the meter stays within its limit plus the meter's grants in the counter
/// (<see cref="IQuotaStore.GrantAsync"/>), which may reserve less than asked or nothing.</item>
/// <item>A holding whose lease expired (its holder stopped calling) is forgotten: its units stay counted as spent.</item>
/// <item><see cref="IQuotaStore.ReadCountersAsync"/> reports each counter's live holdings per meter in
/// <see cref="QuotaCounterSnapshot.Reserved"/> (they are counted in its <see cref="QuotaCounterSnapshot.Meters"/> too).</item>
/// <item><see cref="IQuotaStore.ResetAsync"/> zeroes what is spent and keeps live holdings counted (and grants and alert
/// marks kept), so a reset never lets the holders and the other callers together pass an allowance.</item>
/// </list>
/// </remarks>
public interface IQuotaLeaseStore : IQuotaStore
{
    /// <summary>Reports what a holder spent from its block and resizes the block, in one atomic step.</summary>
    /// <param name="counter">The counter the block is in; created when absent.</param>
    /// <param name="holder">Identifies the holder (one instance of the application); any non-empty string.</param>
    /// <param name="deltas">Per meter: spent since the last call, the holding wanted afterwards, and the meter's allowance (the store adds the meter's grants to it). Meter names are distinct.</param>
    /// <param name="expiresAt">When the counter may be deleted (as in <see cref="IQuotaStore.TryAddAsync"/>).</param>
    /// <param name="leaseExpiresAt">When the store may forget the holding if the holder does not call again.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each meter's holding, value, grants and units reserved by every live lease after the call, in the order of the deltas.</returns>
    ValueTask<QuotaLeaseResult> LeaseAsync(QuotaCounterKey counter, string holder, ReadOnlyMemory<QuotaLeaseDelta> deltas, NodaTime.Instant expiresAt, NodaTime.Instant leaseExpiresAt, CancellationToken cancellationToken = default);
}
