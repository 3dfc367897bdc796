using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Quota.AspNetCore.Admin;

/// <summary>
/// The admin group's safe default: unless the application attached its own authorization to the group (or to a group
/// around it) — <c>RequireAuthorization(…)</c> in any form, or a deliberate <c>AllowAnonymous()</c> — every admin endpoint
/// refuses every request: anonymous callers are challenged (401), signed-in ones forbidden (403). Requiring only an
/// authenticated user would open the admin API to every customer of an app whose API users sign in.
/// </summary>
internal sealed class AdminAuthorization(ILogger logger, string prefix)
{
    /// <summary>A policy no one meets: a signed-in user fails the assertion (403), an anonymous one the authentication (401).</summary>
    private static readonly AuthorizationPolicy Nobody = new AuthorizationPolicyBuilder()
        .RequireAuthenticatedUser()
        .RequireAssertion(_ => false)
        .Build();

    private int _warned;

    /// <summary>Runs as a <c>Finally</c> convention, after every convention the app added to the group.</summary>
    public void Apply(EndpointBuilder endpoint)
    {
        if (endpoint.Metadata.Any(IsApplicationAuthorization))
        {
            return;
        }

        // The attribute also makes routing fail loudly when the app has no authorization middleware, instead of serving.
        endpoint.Metadata.Add(new AuthorizeAttribute());
        endpoint.Metadata.Add(Nobody);
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            AdminLog.NoAuthorization(logger, prefix);
        }
    }

    private static bool IsApplicationAuthorization(object metadata)
        => metadata is IAuthorizeData or AuthorizationPolicy or IAuthorizationRequirementData or IAllowAnonymous;
}
