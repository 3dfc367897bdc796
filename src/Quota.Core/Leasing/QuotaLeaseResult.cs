namespace Quota;

/// <summary>The outcome of a lease call: each meter's holding and value afterwards, in the order of the deltas.</summary>
/// <param name="Held">Units the holder holds, unspent, after the call: what it may grant without asking the store.</param>
/// <param name="Values">Each meter's value after the call (spent and held units of every holder together).</param>
public readonly record struct QuotaLeaseResult(QuotaCounterValues Held, QuotaCounterValues Values);
