using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;

namespace Quota.AspNetCore;

/// <summary>The RFC 9457 bodies the middleware writes: 429 quota exceeded, 503 store unavailable, 401 no identifiable caller.</summary>
internal static class QuotaProblems
{
    public static ProblemDetails Exceeded(IReadOnlyList<QuotaViolation> violations)
    {
        var first = violations[0];
        var detail = violations.Count == 1
            ? $"Quota policy '{first.Policy}' allows {first.Limit} {first.Meter} per cycle and {first.Used} are used. It resets at {Format(first.ResetAt)}."
            : $"Quota policies {string.Join(", ", violations.Select(v => $"'{v.Policy}'"))} have no room left. The last resets at {Format(violations.Max(v => v.ResetAt))}.";
        return new ProblemDetails
        {
            Type = QuotaProblemTypes.QuotaExceeded,
            Title = "Quota exceeded",
            Status = StatusCodes.Status429TooManyRequests,
            Detail = detail,
            Extensions =
            {
                ["policies"] = violations.Select(v => new ViolationBody(v.Policy, v.Meter, v.Limit, v.Used, Format(v.ResetAt))).ToArray(),
            },
        };
    }

    public static ProblemDetails StoreUnavailable(IReadOnlyList<string> policies) => new()
    {
        Type = QuotaProblemTypes.StoreUnavailable,
        Title = "Quota store unavailable",
        Status = StatusCodes.Status503ServiceUnavailable,
        Detail = $"The quota store did not answer for {string.Join(", ", policies.Select(p => $"'{p}'"))}, which fails closed. Try again shortly.",
        Extensions = { ["policies"] = policies.ToArray() },
    };

    public static ProblemDetails Unauthenticated(string policy) => new()
    {
        Type = QuotaProblemTypes.Unauthenticated,
        Title = "Authentication required",
        Status = StatusCodes.Status401Unauthorized,
        Detail = $"Quota policy '{policy}' counts requests per caller, and this request does not say who is calling. Authenticate and try again.",
        Extensions = { ["policies"] = new[] { policy } },
    };

    /// <summary>Writes <paramref name="problem"/> with the response's status (which the rejection callback may have changed).</summary>
    public static Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        problem.Status = context.Response.StatusCode;
        return TypedResults.Problem(problem).ExecuteAsync(context);
    }

    public static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    /// <summary>One entry of the <c>policies</c> member of a 429 body.</summary>
    internal sealed record ViolationBody(
        [property: JsonPropertyName("policy")] string Policy,
        [property: JsonPropertyName("meter")] string Meter,
        [property: JsonPropertyName("limit")] long Limit,
        [property: JsonPropertyName("used")] long Used,
        [property: JsonPropertyName("resetAt")] string ResetAt);
}
