namespace Quota.AspNetCore.Admin;

/// <summary>One subject's usage of one policy in one cycle: a row of the listing, and the body of one subject.</summary>
internal sealed record UsageBody(
    string Policy,
    string Key,
    string Anchor,
    CycleBody Cycle,
    string NextReset,
    IReadOnlyList<MeterBody> Meters,
    IReadOnlyList<GrantBody> Grants,
    IReadOnlyList<AlertBody> Alerts)
{
    public static UsageBody From(QuotaUsage usage) => new(
        usage.Policy,
        usage.Key,
        AdminText.Format(usage.AnchorDate),
        CycleBody.From(usage.Cycle),
        AdminText.Format(usage.NextResetDate),
        MeterBody.From(usage),
        usage.Grants.Select(GrantBody.From).ToArray(),
        usage.Alerts.Select(AlertBody.From).ToArray());
}
