using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Quota;
using Quota.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the quota middleware to the request pipeline.</summary>
public static class QuotaApplicationBuilderExtensions
{
    internal const string NotRegistered =
        "Quota's HTTP services are not registered, so app.UseQuota() has nothing to count with. Call "
        + "builder.Services.AddQuota(builder.Configuration.GetSection(\"Quota\")).AddHttp() before builder.Build().";

    /// <summary>
    /// Counts requests against the policies of their endpoints (<c>RequireQuota</c>, <c>[Quota]</c>) and the global policy.
    /// Place it after <c>UseAuthentication()</c> (policies count per user) and after <c>UseRouting()</c> when the app calls it.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddQuota(…).AddHttp()</c> was not called.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A policy's settings are invalid; the message lists every problem.</exception>
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
        var policies = services.GetService<HttpPolicies>() ?? throw new InvalidOperationException(NotRegistered);
        var plans = new EndpointPlans(policies);
        var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<QuotaMiddleware>();
        var metrics = services.GetService<QuotaHttpMetrics>() ?? throw new InvalidOperationException(NotRegistered);
        var clock = services.GetRequiredService<IClock>();
        return app.Use(next =>
        {
            // The pipeline is built once every endpoint is mapped: check their quota policies now, so that a typo in
            // RequireQuota("…") or [Quota("…")] stops start-up instead of failing the endpoint's first request.
            plans.Validate(services.GetService<EndpointDataSource>());
            return new QuotaMiddleware(next, quota, plans, policies.OnRejected, clock, logger, metrics).InvokeAsync;
        });
    }
}
