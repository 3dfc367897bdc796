using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Tests.Support;

/// <summary>Stands in for the app's exception handler: turns the endpoints' "boom" into a 500 and marks that it saw it rethrown.</summary>
public static class ExceptionHandlerStandIn
{
    public const string Message = "boom";

    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (InvalidOperationException ex) when (ex.Message == Message)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.Headers["X-Rethrown"] = "yes";
        }
    });
}
