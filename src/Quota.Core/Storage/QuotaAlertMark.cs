using NodaTime;

namespace Quota;

/// <summary>
/// The store's record that a threshold alert fired for a counter: the one mark that makes an alert exactly-once per
/// subject, meter, threshold and cycle across every instance sharing the store (see <see cref="IQuotaStore.TryMarkAlertAsync"/>).
/// </summary>
/// <param name="Meter">The meter whose usage crossed the threshold.</param>
/// <param name="Percent">The threshold, in percent of the cycle's limit (allowance plus grants), e.g. 80.</param>
/// <param name="FiredAt">When the crossing was seen, by the service's clock.</param>
public readonly record struct QuotaAlertMark(string Meter, int Percent, Instant FiredAt);
