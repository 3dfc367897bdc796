namespace Quota;

/// <summary>The outcome of <see cref="IQuotaStore.GrantAsync"/>.</summary>
/// <param name="Applied">
/// <see langword="false"/> when the grant would have taken the meter's total grants in the cycle past the caller's
/// maximum, so nothing was granted.
/// </param>
/// <param name="Total">The meter's total grants in the cycle afterwards (unchanged when not applied).</param>
public readonly record struct QuotaGrantResult(bool Applied, long Total);
