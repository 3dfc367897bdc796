using NodaTime;

namespace Quota;

/// <summary>
/// Extra allowance given to one subject for one cycle: <see cref="Amount"/> more of <see cref="Meter"/> on top of the
/// subject's allowance, for the rest of the cycle it was given in. Grants are kept in the store beside the cycle's
/// counter, so every consume (on any instance) compares against the allowance plus the cycle's grants, and they go
/// with the counter when the cycle ends.
/// </summary>
/// <param name="Meter">The meter the grant adds to, e.g. <c>requests</c>.</param>
/// <param name="Amount">The amount added; always positive.</param>
/// <param name="Reason">Why it was given, e.g. <c>support ticket 4711</c>: shown wherever grants are listed.</param>
/// <param name="GrantedAt">When it was given, by the service's clock.</param>
public sealed record QuotaGrant(string Meter, long Amount, string Reason, Instant GrantedAt);
