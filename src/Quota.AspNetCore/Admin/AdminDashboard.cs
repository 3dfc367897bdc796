using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

/// <summary>
/// The dashboard: a static page, its script and its style sheet, embedded in the assembly (no CDN, nothing downloaded).
/// The page holds no data; its script fetches the JSON API and writes subject keys with <c>textContent</c> only. A strict
/// Content-Security-Policy (scripts from this origin only, no inline script) backs that up.
/// </summary>
internal sealed class AdminDashboard
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private readonly Asset _page = Asset.Load("index.html", "text/html; charset=utf-8");
    private readonly Asset _script = Asset.Load("dashboard.js", "text/javascript; charset=utf-8");
    private readonly Asset _style = Asset.Load("dashboard.css", "text/css; charset=utf-8");

    /// <summary>The page at the group's root. Its links are relative, so it is served only at the path ending in <c>/</c>.</summary>
    public Task PageAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.HasValue || !request.Path.Value.EndsWith('/'))
        {
            context.Response.Redirect(request.PathBase + request.Path + "/" + request.QueryString);
            return Task.CompletedTask;
        }

        return _page.WriteAsync(context);
    }

    public Task ScriptAsync(HttpContext context) => _script.WriteAsync(context);

    public Task StyleAsync(HttpContext context) => _style.WriteAsync(context);

    private sealed class Asset(byte[] content, string contentType)
    {
        public static Asset Load(string name, string contentType)
        {
            using var stream = typeof(AdminDashboard).Assembly.GetManifestResourceStream("Quota.AspNetCore.Admin.Dashboard." + name)
                ?? throw new InvalidOperationException($"The dashboard's '{name}' is not embedded in Quota.AspNetCore; the package is incomplete.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return new Asset(copy.ToArray(), contentType);
        }

        public Task WriteAsync(HttpContext context)
        {
            var response = context.Response;
            var headers = response.Headers;
            headers.ContentSecurityPolicy = Policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-cache";
            response.ContentType = contentType;
            response.ContentLength = content.Length;
            return response.Body.WriteAsync(content, context.RequestAborted).AsTask();
        }
    }
}
