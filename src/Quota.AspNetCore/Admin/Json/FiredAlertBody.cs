namespace Quota.AspNetCore.Admin;

/// <summary>A threshold alert that fired in a subject's cycle, with the meter's use and limit now.</summary>
internal sealed record FiredAlertBody(string Key, string Meter, int Percent, string FiredAt, long Used, long? Limit, string NextReset);
