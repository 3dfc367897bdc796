namespace Quota.AspNetCore.Admin;

/// <summary>A grant of the cycle, with its reason.</summary>
internal sealed record GrantBody(string Meter, long Amount, string Reason, string GrantedAt)
{
    public static GrantBody From(QuotaGrant grant) => new(grant.Meter, grant.Amount, grant.Reason, AdminText.Format(grant.GrantedAt));
}
