using Microsoft.AspNetCore.Http;
using NodaTime;

namespace Quota.AspNetCore;

/// <summary>
/// The HTTP half of one policy (Zuplo's <c>quota-inbound</c> options that only make sense on a request), bindable from
/// <c>Quota:Policies:{name}</c> next to the policy's own <see cref="QuotaPolicyOptions"/> (<c>Period</c>, <c>Allowances</c>,
/// <c>TimeZone</c>, <c>Enforcement</c>, <c>FailureMode</c>, <c>StoreTimeout</c>), which Quota.Core binds from the same section.
/// </summary>
/// <example>
/// <code>
/// "Quota": { "Policies": { "hello-monthly": {
///   "Period": "monthly", "Allowances": { "requests": 10 },
///   "QuotaBy": "User", "QuotaAnchorMode": "FirstApiCall", "QuotaOnStatusCodes": "200-299, 304" } } }
/// </code>
/// </example>
public sealed class QuotaHttpPolicyOptions
{
    /// <summary>The default of <see cref="QuotaOnStatusCodes"/>: only successful responses are counted.</summary>
    public const string DefaultStatusCodes = "200-299";

    /// <summary>Gets or sets who is counted. Defaults to <see cref="AspNetCore.QuotaBy.User"/>.</summary>
    public QuotaBy QuotaBy { get; set; } = QuotaBy.User;

    /// <summary>
    /// Gets or sets where cycles are counted from, under Zuplo's name: <c>FirstApiCall</c>, <c>Function</c> (with
    /// <see cref="GetAnchorDate"/>) or <c>Calendar</c>. When set it replaces the policy's <see cref="QuotaPolicyOptions.AnchorMode"/>;
    /// <see langword="null"/> (the default) keeps it.
    /// </summary>
    public QuotaAnchorMode? QuotaAnchorMode { get; set; }

    /// <summary>
    /// Gets or sets the response statuses that count: single codes and inclusive ranges between 100 and 599, separated by
    /// commas, e.g. <c>"200-299, 304"</c>. A response with any other status gives its reserved request back. Defaults to
    /// <c>"200-299"</c>, so 4xx and 5xx responses (and an exception, which is a 500) are not counted.
    /// </summary>
    public string QuotaOnStatusCodes { get; set; } = DefaultStatusCodes;

    /// <summary>
    /// Gets or sets the function that says who a request is counted as, and that caller's allowances (Zuplo's
    /// <c>getQuotaDetail</c>). Required with <see cref="AspNetCore.QuotaBy.Function"/>. Returning <see langword="null"/>
    /// means the caller cannot be identified: the request is answered 401.
    /// </summary>
    /// <example><c>ctx => ValueTask.FromResult&lt;QuotaSubjectDetail?&gt;(new(ctx.User.FindFirst("org")!.Value, new Dictionary&lt;string, long&gt; { ["requests"] = 5_000 }))</c></example>
    public Func<HttpContext, ValueTask<QuotaSubjectDetail?>>? GetQuotaDetail { get; set; }

    /// <summary>
    /// Gets or sets the function that returns the instant a caller's cycles count from, such as its subscription start
    /// (Zuplo's <c>getAnchorDate</c>). Requires <see cref="QuotaAnchorMode"/> (or the policy's anchor mode) to be <c>Function</c>.
    /// </summary>
    public Func<HttpContext, ValueTask<Instant>>? GetAnchorDate { get; set; }
}
