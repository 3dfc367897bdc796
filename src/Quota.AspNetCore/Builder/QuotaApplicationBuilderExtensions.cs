using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;
using Quota;
using Quota.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the quota middleware to the request pipeline.</summary>
public static class QuotaApplicationBuilderExtensions
{
    internal const string NotRegistered =
        "Quota's services are not registered, so app.UseQuota() has nothing to count with. Call builder.Services.AddQuota(builder.Configuration.GetSection(\"Quota\")) "
        + "(add .AddHttp(section) to bind QuotaBy and QuotaOnStatusCodes from the same section) before builder.Build().";

    private static readonly string[] HttpKeys = [nameof(QuotaHttpPolicyOptions.QuotaBy), nameof(QuotaHttpPolicyOptions.QuotaOnStatusCodes), nameof(QuotaHttpPolicyOptions.QuotaAnchorMode)];

    /// <summary>
    /// Counts requests against the policies of their endpoints (<c>RequireQuota</c>, <c>[Quota]</c>) and the global policy.
    /// Place it after <c>UseAuthentication()</c> (policies count per user) and after <c>UseRouting()</c> when the app calls it.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddQuota()</c> was not called, or configuration holds HTTP settings that were not bound.</exception>
    /// <exception cref="OptionsValidationException">A policy's settings are invalid; the message lists every problem.</exception>
    /// <remarks>
    /// When the pipeline is built (the application starts), every mapped endpoint's <c>RequireQuota</c>/<c>[Quota]</c>
    /// policies are checked: an endpoint naming a policy that does not exist stops start-up with an
    /// <see cref="InvalidOperationException"/> that lists each such endpoint.
    /// </remarks>
    public static IApplicationBuilder UseQuota(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var quota = services.GetService<IQuotaService>() ?? throw new InvalidOperationException(NotRegistered);
        if (services.GetService<HttpConfigurationBound>() is null)
        {
            ThrowIfHttpSettingsUnbound(services.GetService<IConfiguration>());
        }

        var options = services.GetService<IOptions<QuotaHttpOptions>>()?.Value ?? new QuotaHttpOptions();
        var plans = new EndpointPlans(HttpPolicies.Create(quota, options));
        var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<QuotaMiddleware>();
        var metrics = new QuotaHttpMetrics(services.GetService<IMeterFactory>());
        var clock = services.GetRequiredService<IClock>();
        return app.Use(next =>
        {
            // The pipeline is built once every endpoint is mapped: check their quota policies now, so that a typo in
            // RequireQuota("…") or [Quota("…")] stops start-up instead of failing the endpoint's first request.
            plans.Validate(services.GetService<EndpointDataSource>());
            return new QuotaMiddleware(next, quota, plans, options, clock, logger, metrics).InvokeAsync;
        });
    }

    /// <summary>
    /// Stops start-up when the conventional <c>Quota</c> section sets HTTP settings that nothing bound: without
    /// <c>AddHttp(section)</c> they would be silently ignored.
    /// </summary>
    private static void ThrowIfHttpSettingsUnbound(IConfiguration? configuration)
    {
        var section = configuration?.GetSection("Quota");
        if (section is null || !section.Exists())
        {
            return;
        }

        var found = new List<string>();
        if (section[nameof(QuotaHttpOptions.GlobalPolicy)] is not null)
        {
            found.Add("Quota:GlobalPolicy");
        }

        foreach (var policy in section.GetSection("Policies").GetChildren())
        {
            found.AddRange(HttpKeys.Where(key => policy[key] is not null).Select(key => $"Quota:Policies:{policy.Key}:{key}"));
        }

        if (found.Count > 0)
        {
            throw new InvalidOperationException(
                $"Configuration sets {string.Join(", ", found)}, but the HTTP settings of quota policies are not bound, so they would be ignored. "
                + "Write builder.Services.AddQuota(section).AddHttp(section) with the same \"Quota\" section.");
        }
    }
}
