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
    /// own; it runs the timers of store calls' deadlines) and options validation at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for policies and the store.</returns>
    public static QuotaBuilder AddQuota(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // The one place the wall clock enters Quota; everything else asks IClock, so tests can register their own.
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<QuotaMetrics>();
        services.TryAddSingleton<IQuotaStore>(sp => new InMemoryQuotaStore(sp.GetRequiredService<IClock>()));
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
    /// Adds Quota and binds its options from configuration, e.g. <c>configuration.GetSection("Quota")</c> with
    /// <c>Policies:{name}:Period</c>, <c>Policies:{name}:Allowances:{meter}</c>, <c>:AnchorMode</c>, <c>:TimeZone</c>,
    /// <c>:Enforcement</c>, <c>:FailureMode</c> and <c>:StoreTimeout</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The <c>Quota</c> section.</param>
    /// <returns>A builder for more policies in code and the store.</returns>
    public static QuotaBuilder AddQuota(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var builder = services.AddQuota();
        services.AddOptions<QuotaOptions>().Bind(configuration);
        return builder;
    }
}
