namespace Quota.AspNetCore.Admin;

/// <summary>One policy as <c>GET api/policies</c> lists it.</summary>
internal sealed record PolicyBody(
    string Name,
    string Period,
    string PeriodIso,
    string TimeZone,
    string AnchorMode,
    string Enforcement,
    string FailureMode,
    IReadOnlyDictionary<string, long> Allowances,
    IReadOnlyDictionary<string, IReadOnlyList<int>> Thresholds,
    bool DynamicAllowances)
{
    public static PolicyBody From(QuotaPolicy policy) => new(
        policy.Name,
        policy.Period.Name,
        policy.Period.ToIsoString(),
        policy.Zone.Id,
        policy.AnchorMode.ToString(),
        policy.Enforcement.ToString(),
        policy.FailureMode.ToString(),
        policy.Allowances,
        policy.Thresholds,
        policy.HasDynamicAllowances);
}
