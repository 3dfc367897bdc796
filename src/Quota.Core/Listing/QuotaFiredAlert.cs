using NodaTime;

namespace Quota;

/// <summary>A threshold alert that fired in a subject's cycle, as <see cref="QuotaServiceExtensions.ListFiredAlertsAsync"/> lists them.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Key">The subject key.</param>
/// <param name="Meter">The meter.</param>
/// <param name="Percent">The threshold reached, in percent of the meter's limit.</param>
/// <param name="FiredAt">When it was reached.</param>
/// <param name="Usage">The subject's usage in that cycle now, with its limits and every alert of the cycle.</param>
public sealed record QuotaFiredAlert(string Policy, string Key, string Meter, int Percent, Instant FiredAt, QuotaUsage Usage);
