using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quota;
using Quota.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Quota's HTTP part (Zuplo's <c>quota-inbound</c>) to <c>services.AddQuota()</c>.</summary>
public static class QuotaHttpBuilderExtensions
{
    /// <summary>
    /// Adds the middleware's services and this package's settings to the one options model: each policy's <c>QuotaBy</c>
    /// and <c>QuotaOnStatusCodes</c>, and <c>GlobalPolicy</c>, read from the section given to <c>AddQuota(section)</c> and
    /// validated with the rest at start-up. In code they are <c>policy.Http()</c> and <c>options.Http()</c>.
    /// </summary>
    /// <param name="builder">The builder <c>AddQuota</c> returned.</param>
    /// <param name="configure">Optionally sets the settings that cover every policy: <c>GlobalPolicy</c>, <c>OnRejected</c>.</param>
    /// <returns>The builder.</returns>
    /// <example><c>builder.Services.AddQuota(builder.Configuration.GetSection("Quota")).AddHttp();</c></example>
    public static QuotaBuilder AddHttp(this QuotaBuilder builder, Action<QuotaHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQuotaConfigurationContributor, QuotaHttpConfiguration>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QuotaOptions>, QuotaHttpOptionsValidator>());
        services.TryAddSingleton<QuotaHttpMetrics>();
        services.TryAddSingleton(sp => HttpPolicies.Create(sp.GetRequiredService<IQuotaService>(), sp.GetRequiredService<IOptions<QuotaOptions>>().Value));
        if (configure is not null)
        {
            builder.Configure(options => configure(options.Http()));
        }

        return builder;
    }
}
