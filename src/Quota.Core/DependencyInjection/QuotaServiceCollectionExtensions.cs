using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;
using Quota;

// In the host's namespace so that AddQuota is found without a using, like AddRateLimiter.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Quota in any .NET application: console, worker or web.</summary>
public static class QuotaServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IQuotaService"/> with the in-memory store, <see cref="IClock"/> (the system clock unless the
    /// application registered its own), <see cref="TimeProvider"/> (the system's unless the application registered its
    /// own; it runs the timers of store calls' deadlines), metrics through <see cref="System.Diagnostics.Metrics.IMeterFactory"/>
    /// (<see cref="QuotaDiagnostics"/>) and options validation at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for policies and the store.</returns>
    public static QuotaBuilder AddQuota(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The one place the wall clock enters Quota; everything else asks IClock, so tests can register their own.
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(TimeProvider.System);
        // Meters through the application's IMeterFactory (the host registers one; a bare ServiceCollection gets it here).
        services.AddMetrics();
        services.TryAddSingleton<QuotaMetrics>();
        services.TryAddSingleton<IQuotaStore>(sp => new InMemoryQuotaStore(sp.GetRequiredService<IClock>()));
        services.TryAddSingleton<QuotaAlertDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQuotaAlertHandler, LoggingAlertHandler>());
        services.TryAddSingleton<IQuotaService, QuotaService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QuotaOptions>, QuotaOptionsValidator>());
        services.AddOptions<QuotaOptions>().ValidateOnStart();
        return new QuotaBuilder(services);
    }

    /// <summary>Adds Quota and configures its options in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for policies and the store.</returns>
    public static QuotaBuilder AddQuota(this IServiceCollection services, Action<QuotaOptions> configure)
        => services.AddQuota().Configure(configure);

    /// <summary>
    /// Adds Quota and reads its options from the <c>Quota</c> configuration section, given once:
    /// <c>Policies:{name}:Period</c>, <c>:Allowances:{meter}</c>, <c>:AnchorMode</c>, <c>:TimeZone</c>, <c>:Enforcement</c>,
    /// <c>:FailureMode</c>, <c>:StoreTimeout</c>, <c>:SubjectCacheDuration</c>, and the keys of the packages added to
    /// the builder (Quota.AspNetCore's <c>QuotaBy</c>, <c>QuotaOnStatusCodes</c>, <c>GlobalPolicy</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Quota</c> section, e.g. <c>builder.Configuration.GetSection("Quota")</c>.</param>
    /// <returns>A builder for packages, more policies in code, and the store.</returns>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is the whole configuration, which holds a <c>Quota</c> section.</exception>
    /// <exception cref="InvalidOperationException">A different section was already given to <c>AddQuota</c>.</exception>
    /// <remarks>
    /// <para>
    /// Every key under the section is applied or refused at start-up, by its full path and value (an unknown key, a
    /// number with separators, an unknown mode: all listed in one <see cref="OptionsValidationException"/>). Zuplo's
    /// <c>quota-inbound</c> options are accepted as written, ignoring case: <c>first-api-call</c>, <c>user</c>,
    /// <c>"200-299, 304"</c> or <c>[200, 304]</c>.
    /// </para>
    /// <para>
    /// The section is read once, at start-up. A change to it while the application runs (a reloaded appsettings.json)
    /// is not applied — not even in part — until the next start.
    /// </para>
    /// </remarks>
    public static QuotaBuilder AddQuota(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration is not IConfigurationSection && configuration.GetSection(QuotaConfigurationReader.DefaultSectionName).GetChildren().Any())
        {
            throw new ArgumentException(
                "This is the application's whole configuration; pass its Quota section: services.AddQuota(configuration.GetSection(\"Quota\")).",
                nameof(configuration));
        }

        var builder = services.AddQuota();
        var source = new QuotaConfigurationSource(configuration);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(QuotaConfigurationSource))?.ImplementationInstance is QuotaConfigurationSource given)
        {
            if (ReferenceEquals(given.Section, configuration) || (given.Path.Length > 0 && string.Equals(given.Path, source.Path, StringComparison.OrdinalIgnoreCase)))
            {
                return builder;
            }

            throw new InvalidOperationException(
                $"AddQuota was already given the configuration section '{given.Path}'; the Quota section is given once. Call services.AddQuota(section) once, and services.AddQuota() (no section) anywhere else.");
        }

        services.AddSingleton(source);
        services.AddSingleton<IConfigureOptions<QuotaOptions>>(sp => new QuotaConfigurationReader(
            configuration,
            sp.GetServices<IQuotaConfigurationContributor>(),
            sp.GetServices<QuotaClaimedSection>()));
        return builder;
    }
}
