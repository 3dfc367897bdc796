namespace Quota.AspNetCore.Admin;

/// <summary>
/// One meter of a subject's cycle. <see cref="Limit"/>, <see cref="Remaining"/> and <see cref="Percent"/> are
/// <see langword="null"/> for a meter without an allowance (counted, never refused).
/// </summary>
/// <param name="Name">The meter, e.g. <c>requests</c>.</param>
/// <param name="Used">The amount used in the cycle.</param>
/// <param name="Limit">The allowance plus the cycle's grants.</param>
/// <param name="Remaining">What is left of the limit, never negative.</param>
/// <param name="Granted">The cycle's grants of this meter.</param>
/// <param name="Percent">Used in percent of the limit, one decimal (100 for a limit of 0); above 100 when a record overshot it.</param>
internal sealed record MeterBody(string Name, long Used, long? Limit, long? Remaining, long Granted, double? Percent)
{
    public static IReadOnlyList<MeterBody> From(QuotaUsage usage)
    {
        // Limited meters first, in name order, then meters that are only counted.
        var meters = new List<MeterBody>(usage.Limits.Count + usage.Meters.Count);
        foreach (var (name, limit) in usage.Limits.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var used = usage.Meters.GetValueOrDefault(name);
            var percent = limit == 0 ? 100 : Math.Round(used * 100.0 / limit, 1, MidpointRounding.ToZero);
            meters.Add(new MeterBody(name, used, limit, usage.Remaining.GetValueOrDefault(name), usage.Granted.GetValueOrDefault(name), percent));
        }

        foreach (var (name, used) in usage.Meters.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!usage.Limits.ContainsKey(name))
            {
                meters.Add(new MeterBody(name, used, null, null, usage.Granted.GetValueOrDefault(name), null));
            }
        }

        return meters;
    }
}
