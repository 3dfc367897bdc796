using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Quota.AspNetCore.Admin;

internal sealed partial class AdminEndpoints
{
    /// <summary>
    /// <c>GET api/export?policy=…&amp;format=csv|jsonl</c>: every subject of the policy in its cycle containing <c>at</c>
    /// (now by default), streamed a page at a time for a billing run (<see cref="QuotaServiceExtensions.ExportUsageAsync"/>).
    /// </summary>
    public Task ExportAsync(HttpContext context) => RunAsync(context, context.Request.Query["policy"], async () =>
    {
        var query = new AdminQuery(context.Request, "policy", "format", "at", "includeUnused");
        var name = query.Required("policy", "hello-monthly");
        var formatText = query.Optional("format") ?? "csv";
        var at = query.Instant("at");
        var includeUnused = query.Bool("includeUnused");
        QuotaExportFormat format = default;
        if (formatText.Equals("csv", StringComparison.OrdinalIgnoreCase))
        {
            format = QuotaExportFormat.Csv;
        }
        else if (formatText.Equals("jsonl", StringComparison.OrdinalIgnoreCase))
        {
            format = QuotaExportFormat.JsonLines;
        }
        else
        {
            query.Fail("format", $"'format' is '{formatText}'. Send csv (one row per subject and meter) or jsonl (one JSON object per subject and line).");
        }

        if (!query.IsValid)
        {
            return AdminProblems.Invalid(query.Errors);
        }

        if (Find(name, out var policy) is { } unknown)
        {
            return unknown;
        }

        var options = new QuotaListOptions { At = at ?? Now(), IncludeUnused = includeUnused };
        var extension = format == QuotaExportFormat.Csv ? "csv" : "jsonl";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName($"{policy.Name}-{AdminText.Format(options.At.Value).Replace(':', '-')}.{extension}");
        context.Response.ContentType = format == QuotaExportFormat.Csv ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8";
        context.Response.Headers.ContentDisposition = disposition.ToString();
        try
        {
            await quota.ExportUsageAsync(policy.Name, context.Response.Body, format, options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (QuotaStoreException ex) when (context.Response.HasStarted)
        {
            // Part of the file is sent: break the connection so the client sees a failed download, never a short file.
            AdminLog.StoreFailed(logger, policy.Name, ex);
            context.Abort();
        }

        return Results.Empty;
    });
}
