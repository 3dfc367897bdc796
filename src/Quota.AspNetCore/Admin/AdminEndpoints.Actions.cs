using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

internal sealed partial class AdminEndpoints
{
    /// <summary>
    /// The one way a state-changing endpoint reads its request: the cross-site forgery check first (logged when it refuses),
    /// then the JSON body.
    /// </summary>
    private async Task<(T? Body, IResult? Problem)> ReadActionAsync<T>(HttpContext context, JsonTypeInfo<T> type, string example)
        where T : class
    {
        if (AdminRequestGuard.Check(context.Request) is { } forged)
        {
            var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
            AdminLog.Refused(logger, site.Length > 0 ? $"Sec-Fetch-Site: {site}" : $"no {QuotaAdmin.RequestHeader} header", context.Request.Method, context.Request.Path);
            return (null, forged);
        }

        return await AdminBody.ReadAsync(context, type, example).ConfigureAwait(false);
    }
}
