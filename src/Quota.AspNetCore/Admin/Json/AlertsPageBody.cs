namespace Quota.AspNetCore.Admin;

/// <summary>A page of <c>GET api/alerts</c>: the alerts fired in the cycles of one page of subjects (see <see cref="UsagePageBody"/>).</summary>
internal sealed record AlertsPageBody(string Policy, string At, IReadOnlyList<FiredAlertBody> Items, string? Continuation, string? Next);
