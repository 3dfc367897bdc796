using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore.Admin;

/// <summary>
/// Keeps other sites from changing quota state through a signed-in operator's browser (cross-site request forgery).
/// </summary>
/// <remarks>
/// <para>
/// A state-changing request must carry <see cref="QuotaAdmin.RequestHeader"/>. A cross-site HTML form cannot set a header,
/// and a cross-site <c>fetch</c> that sets one is preceded by a CORS preflight, which the app does not answer for these
/// endpoints, so the browser never sends the request. The body must also be JSON (<see cref="AdminBody"/>), which a form
/// cannot send either. This needs no token, no state and no cooperation from the app, works the same for cookies, Basic
/// or Windows authentication, and curl only adds a header.
/// </para>
/// <para>
/// Fetch Metadata adds a second check where browsers send it: a request the browser marks <c>Sec-Fetch-Site: cross-site</c>
/// or <c>same-site</c> (a sibling subdomain, which may belong to someone else) is refused even if an over-broad CORS policy
/// of the app let the header through. Tools that send no <c>Sec-Fetch-Site</c> are not affected. The app's cookie should
/// still be <c>SameSite=Strict</c> (the sample's is), so another site's requests do not carry it at all.
/// </para>
/// </remarks>
internal static class AdminRequestGuard
{
    public static IResult? Check(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || site.Equals("same-site", StringComparison.OrdinalIgnoreCase))
        {
            return AdminProblems.CrossSite(site);
        }

        return string.IsNullOrWhiteSpace(request.Headers[QuotaAdmin.RequestHeader].ToString()) ? AdminProblems.HeaderRequired() : null;
    }
}
