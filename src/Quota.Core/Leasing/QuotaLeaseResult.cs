namespace Quota;

/// <summary>The outcome of a lease call, per meter in the order of the deltas.</summary>
/// <param name="Held">Units the holder holds, unspent, after the call: what it may grant without asking the store.</param>
/// <param name="Values">Each meter's value after the call (spent and held units of every holder together).</param>
/// <param name="Granted">
/// Each meter's total grants in the cycle (see <see cref="IQuotaStore.GrantAsync"/>): the holding was sized within the
/// meter's limit plus these, as a consume would be.
/// </param>
/// <param name="Reserved">
/// Units every live lease (this holder's included) holds unspent in the meter after the call, so that
/// <c>Values - Reserved</c> is what all holders and callers together have spent.
/// </param>
public readonly record struct QuotaLeaseResult(QuotaCounterValues Held, QuotaCounterValues Values, QuotaCounterValues Granted, QuotaCounterValues Reserved);
