using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Quota.Samples.WebApi.Admin;

/// <summary>The sign-in form: plain HTML, no script; every value written into it is HTML-encoded.</summary>
internal static class SignInPage
{
    public static IResult Render(HttpContext context, IAntiforgery antiforgery, string? signedInAs, string? error, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = HtmlEncoder.Default;
        var hidden = $"""<input type="hidden" name="{html.Encode(tokens.FormFieldName)}" value="{html.Encode(tokens.RequestToken ?? "")}">""";
        var body = signedInAs is null
            ? $"""
              <form method="post">
                {hidden}
                <label for="key">Admin API key</label>
                <input id="key" name="key" type="password" autocomplete="current-password" required autofocus{(error is null ? "" : " aria-describedby=\"error\"")}>
                {(error is null ? "" : $"<p id=\"error\" role=\"alert\">{html.Encode(error)}</p>")}
                <button type="submit">Sign in</button>
              </form>
              """
            : $"""
              <p>Signed in as {html.Encode(signedInAs)}. <a href="{AdminSignIn.Dashboard}">Open the dashboard</a>.</p>
              <form method="post" action="sign-out">{hidden}<button type="submit">Sign out</button></form>
              """;
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        context.Response.Headers.CacheControl = "no-store";
        return Results.Content(
            $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in — Quota admin</title>
              <style>
                body { font-family: system-ui, sans-serif; max-width: 24rem; margin: 4rem auto; padding: 0 1rem; }
                label, input, button { display: block; font: inherit; margin-top: 0.5rem; }
                input { width: 100%; box-sizing: border-box; padding: 0.4rem; }
                [role=alert] { color: #c62828; }
              </style>
            </head>
            <body>
              <main>
                <h1>Quota admin</h1>
                {{body}}
              </main>
            </body>
            </html>
            """,
            "text/html; charset=utf-8",
            statusCode: status);
    }
}
