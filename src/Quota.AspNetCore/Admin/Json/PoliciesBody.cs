namespace Quota.AspNetCore.Admin;

/// <summary>The body of <c>GET api/policies</c>.</summary>
internal sealed record PoliciesBody(IReadOnlyList<PolicyBody> Policies);
