using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

/// <summary>
/// The HTTP settings of one policy, part of the same <see cref="QuotaPolicyOptions"/> as its period and allowances:
/// <c>policy.Http()</c> in code, <c>Quota:Policies:{name}:QuotaBy</c> and <c>:QuotaOnStatusCodes</c> in configuration
/// (read once <c>.AddHttp()</c> is added to <c>services.AddQuota(section)</c>).
/// </summary>
/// <example>
/// <code>
/// "Quota": { "Policies": { "hello-monthly": {
///   "period": "monthly", "allowances": { "requests": 10 },
///   "quotaBy": "user", "quotaAnchorMode": "first-api-call", "quotaOnStatusCodes": "200-299, 304" } } }
/// </code>
/// </example>
public sealed class QuotaHttpPolicyOptions
{
    /// <summary>The default of <see cref="QuotaOnStatusCodes"/>: only successful responses are counted.</summary>
    public const string DefaultStatusCodes = "200-299";

    /// <summary>Gets or sets who is counted. Defaults to <see cref="AspNetCore.QuotaBy.User"/>.</summary>
    public QuotaBy QuotaBy { get; set; } = QuotaBy.User;

    /// <summary>
    /// Gets or sets the response statuses that count: single codes and inclusive ranges between 100 and 599, separated by
    /// commas, e.g. <c>"200-299, 304"</c> (configuration also takes a list: <c>[200, 304, "500-599"]</c>). A response with
    /// any other status gives its reserved request back. Defaults to <c>"200-299"</c>, so 4xx and 5xx responses (and an
    /// exception, which is a 500) are not counted.
    /// </summary>
    public string QuotaOnStatusCodes { get; set; } = DefaultStatusCodes;

    /// <summary>
    /// Gets or sets the function that says who a request counts as (Zuplo's <c>getQuotaDetail</c> and <c>getAnchorDate</c> in one):
    /// the key to count under, and optionally that caller's allowances and the anchor its cycles count from, which replace the
    /// policy's. Required with <see cref="AspNetCore.QuotaBy.Function"/>, and only called then. Returning <see langword="null"/>
    /// means the caller cannot be identified: the request is answered 401. Code only.
    /// </summary>
    /// <example><c>context => ValueTask.FromResult&lt;QuotaSubject?&gt;(new QuotaSubject(context.User.FindFirst("org")!.Value, new Dictionary&lt;string, long&gt; { ["requests"] = 5_000 }))</c></example>
    public Func<HttpContext, ValueTask<QuotaSubject?>>? SubjectFromRequest { get; set; }
}
