using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

internal sealed partial class QuotaMiddleware
{
    /// <summary>
    /// Runs the endpoint with the request's quota state in its features and the RateLimit headers already written (this
    /// request counted: no <c>OnStarting</c> callback to register and run on the common path), then the way out.
    /// </summary>
    private Task RunEndpoint(QuotaFeature feature)
    {
        var context = feature.Context;
        feature.Attach();
        if (!context.Response.HasStarted)
        {
            RateLimitHeaders.WriteAsCounted(feature);
            feature.HeadersWritten = true;
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
            WriteHeadersAtStart(feature);
            throw;
        }

        await CompleteAsync(feature, feature.Context.Response.StatusCode).ConfigureAwait(false);
    }

    private async Task CompleteAndRethrowAsync(QuotaFeature feature, ExceptionDispatchInfo exception)
    {
        await CompleteAsync(feature, StatusCodes.Status500InternalServerError).ConfigureAwait(false);
        WriteHeadersAtStart(feature);
        exception.Throw();
    }

    /// <summary>
    /// After an exception, writes the headers again when the response starts: the application's exception handler clears
    /// the response (headers included) before it writes its own.
    /// </summary>
    private static void WriteHeadersAtStart(QuotaFeature feature)
    {
        var response = feature.Context.Response;
        if (feature.HeadersWritten && !response.HasStarted)
        {
            response.OnStarting(RateLimitHeaders.OnStarting, feature);
        }
    }
}
