using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Quota.AspNetCore.Admin;

/// <summary>
/// The admin API's JSON endpoints over <see cref="IQuotaService"/>. Every piece of data — policy names, subject keys —
/// travels in the query string or a JSON body, never in a path segment: a key may be any string, <c>/</c> and <c>%</c>
/// included, and only those two places decode it back exactly.
/// </summary>
internal sealed partial class AdminEndpoints(IQuotaService quota, IClock clock, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// How long a page of a listing may wait for the store. Core bounds a listing only by its caller (a billing run may
    /// take minutes), but a person waits behind this one: a hung store answers 503 instead of a page that never loads.
    /// </summary>
    internal static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs a handler: the API's response headers, and a store failure answered as 503 with nothing changed.</summary>
    private async Task RunAsync(HttpContext context, string? policy, Func<Task<IResult>> handler)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        IResult result;
        try
        {
            result = await handler().ConfigureAwait(false);
        }
        catch (QuotaStoreException ex)
        {
            AdminLog.StoreFailed(logger, policy ?? "", ex);
            result = AdminProblems.StoreUnavailable(policy ?? "");
        }

        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    /// <summary>The named policy, or the 404 that lists the policies there are.</summary>
    private IResult? Find(string name, out QuotaPolicy policy)
    {
        try
        {
            policy = quota.GetPolicy(name);
            return null;
        }
        catch (ArgumentException ex)
        {
            policy = null!;
            return AdminProblems.UnknownPolicy(AdminText.Message(ex));
        }
    }

    /// <summary>Who acted, for the audit log: the user's name, else their id.</summary>
    private static string Operator(HttpContext context)
        => context.User.Identity?.Name ?? context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "(anonymous)";

    private static IResult Json<T>(T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => TypedResults.Json(body, type);

    private Instant Now() => clock.GetCurrentInstant();
}
