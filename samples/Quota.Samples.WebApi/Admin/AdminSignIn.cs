using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Quota.Samples.WebApi.Admin;

/// <summary>
/// How a person opens the quota dashboard: a header is not something one types into a browser, so <c>/sign-in</c> takes
/// the admin API key in a form and sets a cookie — HttpOnly (scripts cannot read it), SameSite=Strict (another site's
/// requests never carry it), Secure whenever the app is served over HTTPS. curl keeps using <c>X-Api-Key</c>.
/// </summary>
public static class AdminSignIn
{
    public const string Scheme = "AdminCookie";
    public const string Policy = "quota-admin";
    public const string CookieName = "quota-admin";
    public const string Dashboard = "/quota-admin/";

    /// <summary>The cookie; anonymous page visits go to the sign-in form, anything else gets a plain 401 or 403.</summary>
    public static AuthenticationBuilder AddAdminCookie(this AuthenticationBuilder authentication)
        => authentication.AddCookie(Scheme, options =>
        {
            options.Cookie.Name = CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // the sample serves plain HTTP on loopback
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = "/sign-in";
            options.Events.OnRedirectToLogin = context =>
            {
                if (IsPageVisit(context.Request))
                {
                    context.Response.Redirect(context.RedirectUri);
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }

                return Task.CompletedTask;
            };
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });

    /// <summary><c>GET /sign-in</c> shows the form, <c>POST /sign-in</c> checks the key, <c>POST /sign-out</c> ends the session.</summary>
    public static void MapAdminSignIn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sign-in", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            var signedIn = await context.AuthenticateAsync(Scheme);
            return SignInPage.Render(context, antiforgery, signedIn.Principal?.Identity?.Name, error: null);
        });

        // The antiforgery token is checked here, as /sign-out does, so another site cannot sign a visitor in with a key of
        // its choosing. Not with [FromForm]: under Native AOT the generated binding throws (500) on a bad token instead of
        // answering 400.
        endpoints.MapPost("/sign-in", async (HttpContext context, IAntiforgery antiforgery, IOptionsMonitor<ApiKeyAuthenticationOptions> keys) =>
        {
            if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            var key = (await context.Request.ReadFormAsync(context.RequestAborted))["key"].ToString();
            var options = keys.Get(ApiKeyAuthenticationHandler.SchemeName);
            var user = string.IsNullOrEmpty(key) ? null : options.UserOf(key);
            if (user is null || !options.Admins.Contains(user))
            {
                return SignInPage.Render(context, antiforgery, null, "That is not an admin API key.", StatusCodes.Status401Unauthorized);
            }

            await context.SignInAsync(Scheme, ApiKeyAuthenticationHandler.Principal(user, options, Scheme));
            return Results.LocalRedirect(LocalOrDashboard(context.Request.Query["ReturnUrl"]));
        });

        endpoints.MapPost("/sign-out", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            await context.SignOutAsync(Scheme);
            return Results.LocalRedirect("/sign-in");
        });
    }

    /// <summary>A browser navigating to a page (as opposed to a script or curl asking for data).</summary>
    private static bool IsPageVisit(HttpRequest request)
        => HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where to go after signing in: the page asked for, if it is on this site; otherwise the dashboard.</summary>
    private static string LocalOrDashboard(string? returnUrl)
        => returnUrl is { Length: > 1 } && returnUrl[0] == '/' && returnUrl[1] is not '/' and not '\\' ? returnUrl : Dashboard;
}
