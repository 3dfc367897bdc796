using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Extensions;

namespace Quota;

/// <summary>Configures Quota after <c>services.AddQuota()</c>: policies, and the store that keeps usage.</summary>
public sealed class QuotaBuilder
{
    internal QuotaBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection, for store packages that add their own services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds (or further configures) a policy.</summary>
    /// <param name="name">The policy's name, e.g. <c>api-monthly</c>.</param>
    /// <param name="configure">Sets the policy's options, e.g. <c>p => { p.Period = "monthly"; p.Allowances["requests"] = 10_000; }</c>.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder AddPolicy(string name, Action<QuotaPolicyOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure<QuotaOptions>(options =>
        {
            if (!options.Policies.TryGetValue(name, out var policy))
            {
                policy = new QuotaPolicyOptions();
                options.Policies[name] = policy;
            }

            configure(policy);
        });
        return this;
    }

    /// <summary>Adds a policy with a period and allowances.</summary>
    /// <param name="name">The policy's name.</param>
    /// <param name="period">The cycle length, e.g. <see cref="QuotaPeriod.Monthly"/>.</param>
    /// <param name="allowances">Meter → limit per cycle, e.g. <c>("requests", 10_000)</c>.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder AddPolicy(string name, QuotaPeriod period, params (string Meter, long Limit)[] allowances)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(allowances);
        return AddPolicy(name, p =>
        {
            p.Period = period.Name;
            foreach (var (meter, limit) in allowances)
            {
                p.Allowances[meter] = limit;
            }
        });
    }

    /// <summary>Changes options that apply to every policy.</summary>
    /// <param name="configure">Sets the options.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder Configure(Action<QuotaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>
    /// Makes Quota take its time from <paramref name="timeProvider"/>: the timers of store calls' deadlines run on it,
    /// and "now" (NodaTime's <see cref="IClock"/>) is read from it, e.g. a <c>FakeTimeProvider</c> in tests.
    /// </summary>
    /// <param name="timeProvider">The time provider, e.g. <see cref="TimeProvider.System"/>.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(timeProvider));
        Services.Replace(ServiceDescriptor.Singleton<IClock>(timeProvider.ToClock()));
        return this;
    }

    /// <summary>
    /// Tells Quota that another component reads <paramref name="section"/> (a store's options under <c>Quota:Sqlite</c>, say),
    /// so that Quota's configuration reader does not refuse it as a key no one reads. A section outside the Quota section
    /// needs no claim; the store packages claim the section they are given.
    /// </summary>
    /// <param name="section">The section the other component reads.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder ClaimSection(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section is IConfigurationSection { Path: { Length: > 0 } path })
        {
            Services.AddSingleton(new QuotaClaimedSection(path));
        }

        return this;
    }

    /// <summary>
    /// Reads a component's options (a store's, say) from <paramref name="section"/> key by key with
    /// <paramref name="reader"/>, and claims the section: every key in it is applied or refused by its full path and value,
    /// listed with every other configuration problem when the application starts (or, without a host, when
    /// <see cref="IQuotaService"/> is first resolved).
    /// </summary>
    /// <typeparam name="TOptions">The component's options.</typeparam>
    /// <param name="section">The section, e.g. <c>configuration.GetSection("Quota:Sqlite")</c>.</param>
    /// <param name="reader">The keys the component reads and how.</param>
    /// <returns>This builder.</returns>
    /// <remarks>
    /// The section is read when the options are created, in the order of the other ways they are configured: a
    /// <c>Configure</c> call after this one overrides a key's value. Reading the same section twice reads it once.
    /// </remarks>
    public QuotaBuilder ReadSection<TOptions>(IConfiguration section, QuotaSectionReader<TOptions> reader)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(reader);
        var binding = new QuotaSectionBinding<TOptions>(section, reader);
        var bound = Services.Any(d => d.ImplementationInstance is QuotaSectionBinding<TOptions> other
            && (ReferenceEquals(other.Section, section) || (binding.Path.Length > 0 && string.Equals(other.Path, binding.Path, StringComparison.OrdinalIgnoreCase))));
        if (!bound)
        {
            Services.AddSingleton<IConfigureOptions<TOptions>>(binding);

            // First among the validators: what was refused reading the section is listed before what the options lack.
            Services.Insert(0, ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(binding));
        }

        return ClaimSection(section);
    }

    /// <summary>
    /// Adds a handler of threshold alerts (<see cref="QuotaPolicyOptions.Thresholds"/>), created once from the application's
    /// services. Any number may be added; each receives every alert, after the log line Quota.Core writes itself.
    /// </summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <returns>This builder.</returns>
    public QuotaBuilder AddAlertHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
        where THandler : class, IQuotaAlertHandler
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IQuotaAlertHandler, THandler>());
        return this;
    }

    /// <summary>Adds a handler of threshold alerts created by <paramref name="factory"/> (see <see cref="AddAlertHandler{THandler}()"/>).</summary>
    /// <param name="factory">Creates the handler once, from the application's services.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder AddAlertHandler(Func<IServiceProvider, IQuotaAlertHandler> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Adds a function as a handler of threshold alerts (see <see cref="AddAlertHandler{THandler}()"/>).</summary>
    /// <param name="handler">Handles one alert, e.g. <c>(alert, cancellationToken) => mail.SendAsync(alert.Key, $"You used {alert.Percent} %", cancellationToken)</c>.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder AddAlertHandler(Func<QuotaAlert, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Services.AddSingleton<IQuotaAlertHandler>(new DelegateAlertHandler(handler));
        return this;
    }

    /// <summary>Keeps usage in a store created by <paramref name="factory"/>, replacing the in-memory default.</summary>
    /// <param name="factory">Creates the store once, from the application's services.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder UseStore(Func<IServiceProvider, IQuotaStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ReplaceStore();
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>
    /// Keeps usage in a store built from its own options, which <typeparamref name="TValidator"/> checks at start-up:
    /// the one registration every store package shares. The store's problems are listed with Quota's own, in one
    /// <see cref="OptionsValidationException"/> for <see cref="QuotaOptions"/>.
    /// </summary>
    /// <typeparam name="TOptions">The store's options.</typeparam>
    /// <typeparam name="TValidator">The validator of the store's options.</typeparam>
    /// <param name="factory">Creates the store once, from the application's services and the validated options.</param>
    /// <returns>The options builder, to configure or bind the options.</returns>
    public OptionsBuilder<TOptions> UseStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>(Func<IServiceProvider, TOptions, IQuotaStore> factory)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        UseStore(sp =>
        {
            // Quota's options are validated first and include the store's: an app without a host sees every problem at once.
            // (Unless that validation is what builds the store, to see whether it can lease: then it is under way.)
            if (!QuotaOptionsValidator.BuildingStore)
            {
                _ = sp.GetRequiredService<IOptions<QuotaOptions>>().Value;
            }

            return factory(sp, sp.GetRequiredService<IOptions<TOptions>>().Value);
        });
        Services.AddSingleton(QuotaStoreOptionsCheck.For<TOptions>());
        return Services.AddOptions<TOptions>();
    }

    /// <summary>Keeps usage in a store of type <typeparamref name="TStore"/>, created once from the application's services.</summary>
    /// <typeparam name="TStore">The store type.</typeparam>
    /// <returns>This builder.</returns>
    public QuotaBuilder UseStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>()
        where TStore : class, IQuotaStore
    {
        ReplaceStore();
        Services.TryAddSingleton<TStore>();
        Services.AddSingleton<IQuotaStore>(sp => sp.GetRequiredService<TStore>());
        return this;
    }

    /// <summary>Keeps usage in this process's memory (the default).</summary>
    /// <param name="configure">Optionally changes the store's options.</param>
    /// <returns>This builder.</returns>
    public QuotaBuilder UseInMemoryStore(Action<InMemoryQuotaStoreOptions>? configure = null)
    {
        var options = new InMemoryQuotaStoreOptions();
        configure?.Invoke(options);
        return UseStore(sp => new InMemoryQuotaStore(sp.GetRequiredService<IClock>(), options));
    }

    /// <summary>Removes the store registered before, with the check of its options.</summary>
    private void ReplaceStore()
    {
        Services.RemoveAll<IQuotaStore>();
        Services.RemoveAll<QuotaStoreOptionsCheck>();
    }
}
