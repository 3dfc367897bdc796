namespace Quota;

/// <summary>One meter of a lease call (<see cref="IQuotaLeaseStore.LeaseAsync"/>).</summary>
/// <param name="Meter">The meter's name.</param>
/// <param name="Spent">Units the holder granted since its last call; zero or more.</param>
/// <param name="Held">Units the holder wants to hold, unspent, after the call; zero or more (zero gives everything back).</param>
/// <param name="Limit">The meter's allowance, or <see langword="null"/> when it has none (then the holding is granted in full).</param>
public readonly record struct QuotaLeaseDelta(string Meter, long Spent, long Held, long? Limit = null);
