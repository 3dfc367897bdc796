namespace Quota;

/// <summary>The outcome of an unconditional add.</summary>
/// <param name="Applied"><see langword="false"/> when the idempotency id had already been applied to the counter, so nothing was added.</param>
/// <param name="Values">The usage of each delta's meter afterwards, in the order of the deltas.</param>
public readonly record struct QuotaAddResult(bool Applied, QuotaCounterValues Values);
