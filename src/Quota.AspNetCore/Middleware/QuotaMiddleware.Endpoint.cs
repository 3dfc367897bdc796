using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

internal sealed partial class QuotaMiddleware
{
    /// <summary>Runs the endpoint with the request's quota state in its features and the RateLimit headers due at response start, then the way out.</summary>
    private Task RunEndpoint(QuotaFeature feature)
    {
        var context = feature.Context;
        feature.Attach();
        if (!context.Response.HasStarted)
        {
            context.Response.OnStarting(RateLimitHeaders.OnStarting, feature);
        }

        Task next;
        try
        {
            next = _next(context);
        }
        catch (Exception ex)
        {
            return CompleteAndRethrowAsync(feature, ExceptionDispatchInfo.Capture(ex));
        }

        if (!next.IsCompletedSuccessfully)
        {
            return CompleteWhenDoneAsync(next, feature);
        }

        var completed = CompleteAsync(feature, context.Response.StatusCode);
        return completed.IsCompletedSuccessfully ? Task.CompletedTask : completed.AsTask();
    }

    private async Task CompleteWhenDoneAsync(Task next, QuotaFeature feature)
    {
        try
        {
            await next.ConfigureAwait(false);
        }
        catch
        {
            // An exception is a 500 for counting, whatever status the response had reached; it still propagates.
            await CompleteAsync(feature, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
            throw;
        }

        await CompleteAsync(feature, feature.Context.Response.StatusCode).ConfigureAwait(false);
    }

    private async Task CompleteAndRethrowAsync(QuotaFeature feature, ExceptionDispatchInfo exception)
    {
        await CompleteAsync(feature, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
        exception.Throw();
    }
}
