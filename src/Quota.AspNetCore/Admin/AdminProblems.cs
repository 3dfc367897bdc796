using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Quota.AspNetCore.Admin;

/// <summary>The admin API's RFC 9457 problem bodies; each detail says what to send instead.</summary>
internal static class AdminProblems
{
    /// <summary>400 with an <c>errors</c> member: each offending parameter or body member and what to send.</summary>
    public static IResult Invalid(IReadOnlyDictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        detail: errors.Sum(pair => pair.Value.Length) == 1
            ? errors.Single().Value[0]
            : $"{string.Join(", ", errors.Keys.Select(name => $"'{name}'"))} need fixing; 'errors' says what to send for each.",
        title: "Invalid quota admin request",
        type: QuotaProblemTypes.AdminInvalidRequest);

    public static IResult Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult UnknownPolicy(string message) => Problem(
        StatusCodes.Status404NotFound,
        QuotaProblemTypes.AdminUnknownPolicy,
        "Unknown quota policy",
        message + " GET api/policies lists them.");

    public static IResult HeaderRequired() => Problem(
        StatusCodes.Status400BadRequest,
        QuotaProblemTypes.AdminHeaderRequired,
        "Quota admin header required",
        $"A request that changes quota state must carry the header '{QuotaAdmin.RequestHeader}: 1' (any non-empty value). It shows the request "
        + "comes from this site's dashboard or a tool such as curl, never from another site's form. With curl, add "
        + $"-H \"{QuotaAdmin.RequestHeader}: 1\".");

    public static IResult CrossSite(string site) => Problem(
        StatusCodes.Status403Forbidden,
        QuotaProblemTypes.AdminCrossSite,
        "Cross-site quota admin request refused",
        $"The browser reports this request came from another site (Sec-Fetch-Site: {site}); quota state changes only from this "
        + "site's own pages. Open the dashboard on this site and act there.");

    public static IResult NotJson(string? contentType) => Problem(
        StatusCodes.Status415UnsupportedMediaType,
        QuotaProblemTypes.AdminInvalidRequest,
        "Quota admin request body must be JSON",
        $"The body's Content-Type is {(string.IsNullOrEmpty(contentType) ? "missing" : $"'{contentType}'")}. Send a JSON object with "
        + "'Content-Type: application/json'.");

    public static IResult TooLarge(long limit) => Problem(
        StatusCodes.Status413PayloadTooLarge,
        QuotaProblemTypes.AdminInvalidRequest,
        "Quota admin request body too large",
        $"The body is larger than {limit} bytes. Send one small JSON object, e.g. {AdminExamples.Grant}.");

    public static IResult StoreUnavailable(string policy) => Problem(
        StatusCodes.Status503ServiceUnavailable,
        QuotaProblemTypes.StoreUnavailable,
        "Quota store unavailable",
        $"The quota store did not answer for policy '{policy}'. Nothing was changed; try again shortly.");

    private static IResult Problem(int status, string type, string title, string detail)
        => TypedResults.Problem(new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail });
}
