using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quota;
using Quota.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the HTTP half of quota policies (Zuplo's <c>quota-inbound</c>) to <c>services.AddQuota()</c>.</summary>
public static class QuotaHttpBuilderExtensions
{
    /// <summary>
    /// Binds the HTTP settings of every policy from the same section Quota.Core binds its own from, e.g.
    /// <c>services.AddQuota(section).AddHttp(section)</c> with <c>Quota:Policies:{name}:QuotaBy</c>,
    /// <c>:QuotaOnStatusCodes</c>, <c>:QuotaAnchorMode</c>, and <c>Quota:GlobalPolicy</c>.
    /// </summary>
    /// <param name="builder">The builder <c>AddQuota</c> returned.</param>
    /// <param name="configuration">The <c>Quota</c> section.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder AddHttp(this QuotaBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        AddServices(builder.Services);
        builder.Services.TryAddSingleton<HttpConfigurationBound>();
        builder.Services.AddOptions<QuotaHttpOptions>().Bind(configuration);
        return builder;
    }

    /// <summary>Changes the middleware's settings in code: the global policy, the rejection callback, or any policy's HTTP settings.</summary>
    /// <param name="builder">The builder <c>AddQuota</c> returned.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder AddHttp(this QuotaBuilder builder, Action<QuotaHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        AddServices(builder.Services);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>Adds (or further configures) a policy with both halves: Quota.Core's settings and the HTTP ones.</summary>
    /// <param name="builder">The builder <c>AddQuota</c> returned.</param>
    /// <param name="name">The policy's name.</param>
    /// <param name="configurePolicy">Sets <c>Period</c>, <c>Allowances</c>, <c>AnchorMode</c>, <c>TimeZone</c>, <c>Enforcement</c>, <c>FailureMode</c>, <c>StoreTimeout</c>.</param>
    /// <param name="configureHttp">Sets <c>QuotaBy</c>, <c>QuotaOnStatusCodes</c>, <c>QuotaAnchorMode</c>, <c>GetQuotaDetail</c>, <c>GetAnchorDate</c>; optional.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder AddHttpPolicy(this QuotaBuilder builder, string name, Action<QuotaPolicyOptions> configurePolicy, Action<QuotaHttpPolicyOptions>? configureHttp = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddPolicy(name, configurePolicy);
        return builder.ConfigureHttpPolicy(name, configureHttp ?? (static _ => { }));
    }

    /// <summary>Sets the HTTP half of a policy configured elsewhere (in configuration or with <c>AddPolicy</c>), e.g. its <c>GetQuotaDetail</c>.</summary>
    /// <param name="builder">The builder <c>AddQuota</c> returned.</param>
    /// <param name="name">The policy's name.</param>
    /// <param name="configure">Sets the HTTP options.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder ConfigureHttpPolicy(this QuotaBuilder builder, string name, Action<QuotaHttpPolicyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        AddServices(builder.Services);
        builder.Services.Configure<QuotaHttpOptions>(options =>
        {
            if (!options.Policies.TryGetValue(name, out var policy) || policy is null)
            {
                policy = new QuotaHttpPolicyOptions();
                options.Policies[name] = policy;
            }

            configure(policy);
        });
        return builder;
    }

    private static void AddServices(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QuotaHttpOptions>, QuotaHttpOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<QuotaOptions>, QuotaPolicyOptionsFromHttp>());
        services.AddOptions<QuotaHttpOptions>().ValidateOnStart();
    }
}
