using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Quota.AspNetCore;

/// <summary>
/// What <see cref="QuotaHttpOptions.OnRejected"/> receives. By then the status (429 or 503), <c>Retry-After</c> and the
/// problem body are prepared; the callback may change any of them, or write a response of its own.
/// </summary>
public sealed class QuotaRejectedContext
{
    internal QuotaRejectedContext(HttpContext httpContext, QuotaRejectionReason reason, IReadOnlyList<string> policies, IReadOnlyList<QuotaViolation> violations, ProblemDetails problemDetails)
    {
        HttpContext = httpContext;
        Reason = reason;
        Policies = policies;
        Violations = violations;
        ProblemDetails = problemDetails;
    }

    /// <summary>Gets the refused request. Change <c>Response.StatusCode</c> to answer another status; the problem body's status follows it.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets why the request was refused.</summary>
    public QuotaRejectionReason Reason { get; }

    /// <summary>Gets the names of the policies that refused (that had no room, or whose store failed closed).</summary>
    public IReadOnlyList<string> Policies { get; }

    /// <summary>Gets each exhausted policy's meter, limit and reset instant; empty for <see cref="QuotaRejectionReason.StoreUnavailable"/>.</summary>
    public IReadOnlyList<QuotaViolation> Violations { get; }

    /// <summary>
    /// Gets or sets the RFC 9457 body written after the callback unless the callback started the response itself. Set it
    /// to <see langword="null"/> to send no body.
    /// </summary>
    public ProblemDetails? ProblemDetails { get; set; }
}
