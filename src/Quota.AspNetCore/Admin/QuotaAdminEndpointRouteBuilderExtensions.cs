using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Quota;
using Quota.AspNetCore;
using Quota.AspNetCore.Admin;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Quota's admin API and dashboard.</summary>
public static class QuotaAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the quota admin API and its dashboard under <paramref name="prefix"/>, and returns their route group for the
    /// application to protect: <c>app.MapQuotaAdmin("/quota-admin").RequireAuthorization("quota-admins")</c>.
    /// </summary>
    /// <param name="endpoints">The application or a route group.</param>
    /// <param name="prefix">The group's path, e.g. <c>/quota-admin</c>.</param>
    /// <returns>The route group, for the application's <c>RequireAuthorization</c> and other conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddQuota(…)</c> was not called.</exception>
    /// <remarks>
    /// <para>Endpoints, relative to <paramref name="prefix"/>; data (policy names, subject keys) travels URL-encoded in the
    /// query string or in a JSON body, so any key — <c>/</c>, <c>%</c>, <c>&amp;</c> and all — is addressed exactly:</para>
    /// <list type="table">
    /// <item><term><c>GET /</c></term><description>The dashboard: each policy's subjects as usage bars, fullest first.</description></item>
    /// <item><term><c>GET api/policies</c></term><description>Every policy: period, zone, anchor mode, allowances, thresholds.</description></item>
    /// <item><term><c>GET api/usage?policy=</c></term><description>A page of the policy's subjects in the current cycle (or the one containing <c>at</c>): usage, limit, remaining, anchor, next reset; <c>pageSize</c> (1–1000, default 100), <c>continuation</c>, <c>includeUnused</c>; <c>next</c> links the next page.</description></item>
    /// <item><term><c>GET api/subject?policy=&amp;key=</c></term><description>One subject, with its grants and fired alerts.</description></item>
    /// <item><term><c>GET api/alerts?policy=</c></term><description>The threshold alerts fired in the current cycles, paged like <c>api/usage</c>.</description></item>
    /// <item><term><c>GET api/export?policy=&amp;format=csv|jsonl</c></term><description>Every subject, streamed for a billing run.</description></item>
    /// <item><term><c>POST api/reset</c></term><description><c>{"policy", "key"}</c>: the subject's current cycle back to zero.</description></item>
    /// <item><term><c>POST api/grants</c></term><description><c>{"policy", "key", "meter", "amount", "reason"}</c>: more allowance for the current cycle.</description></item>
    /// </list>
    /// <para>
    /// <b>Who may use it is the application's decision, and until it makes one nobody may</b>: unless the group (or a group
    /// around it) carries the application's authorization — <c>RequireAuthorization(…)</c> in any form, or a deliberate
    /// <c>AllowAnonymous()</c> — every request is refused, 401 when anonymous and 403 when signed in, and a warning (event
    /// 5103) says what to write. Requiring merely a signed-in user would hand the admin API to every customer of an API
    /// whose users sign in.
    /// </para>
    /// <para>
    /// <b>Cross-site requests</b>: <c>POST</c>s must send the <see cref="QuotaAdmin.RequestHeader"/> header and a JSON body,
    /// which another site's form cannot send and its scripts cannot without a CORS preflight the app does not grant; a
    /// browser's <c>Sec-Fetch-Site: cross-site</c> or <c>same-site</c> is refused too. Sign operators in with a
    /// <c>SameSite=Strict</c>, <c>HttpOnly</c> cookie. Validation problems are RFC 9457 bodies that say what to send instead.
    /// </para>
    /// <para>Admin requests are never counted by a quota policy (the group carries <c>DisableQuota</c>).</para>
    /// </remarks>
    public static RouteGroupBuilder MapQuotaAdmin(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string prefix = "/quota-admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.StartsWith('/') || prefix.Length < 2)
        {
            throw new ArgumentException($"The admin prefix '{prefix}' must be a path below the root, starting with '/', e.g. \"/quota-admin\".", nameof(prefix));
        }

        var services = endpoints.ServiceProvider;
        var quota = services.GetService<IQuotaService>()
            ?? throw new InvalidOperationException("app.MapQuotaAdmin() shows what Quota counts, but Quota is not registered. Call builder.Services.AddQuota(builder.Configuration.GetSection(\"Quota\")) before builder.Build().");
        var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("Quota.AspNetCore.Admin");
        var api = new AdminEndpoints(quota, services.GetRequiredService<IClock>(), services.GetService<TimeProvider>() ?? TimeProvider.System, logger);
        var dashboard = new AdminDashboard();

        var group = endpoints.MapGroup(prefix);
        group.MapGet("/", dashboard.PageAsync);
        group.MapGet("/dashboard.js", dashboard.ScriptAsync);
        group.MapGet("/dashboard.css", dashboard.StyleAsync);
        group.MapGet("/api/policies", api.PoliciesAsync);
        group.MapGet("/api/usage", api.UsageAsync);
        group.MapGet("/api/subject", api.SubjectAsync);
        group.MapGet("/api/alerts", api.AlertsAsync);
        group.MapGet("/api/export", api.ExportAsync);
        group.MapPost("/api/reset", api.ResetAsync);
        group.MapPost("/api/grants", api.GrantAsync);
        group.DisableQuota();
        ((IEndpointConventionBuilder)group).Finally(new AdminAuthorization(logger, prefix).Apply);
        return group;
    }
}
