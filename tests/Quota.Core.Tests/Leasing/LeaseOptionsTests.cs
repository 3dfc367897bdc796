using NodaTime.Testing;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quota.Tests.Service;
using Quota.Tests.Support;

namespace Quota.Tests.Leasing;

/// <summary>The lease settings: read by path from configuration, validated, and refused at start-up on a store that cannot lease.</summary>
public sealed class LeaseOptionsTests
{
    private static IConfigurationSection Section(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Quota");

    private static ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        configure(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Lease_settings_are_read_from_configuration()
    {
        using var provider = Build(s => s.AddQuota(Section("""
            { "Quota": { "Policies": { "api": { "Period": "monthly", "Allowances": { "requests": 100 },
              "Lease": { "Enabled": true, "SettleInterval": "00:00:00.250", "Lifetime": "00:01:00", "MaxBlock": 500 } } } } }
            """)));

        var lease = provider.GetRequiredService<IOptions<QuotaOptions>>().Value.Policies["api"].Lease;

        Assert.True(lease.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(250), lease.SettleInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), lease.Lifetime);
        Assert.Equal(500, lease.MaxBlock);
        Assert.True(provider.GetRequiredService<IQuotaService>().GetPolicy("api").IsLeased);
    }

    [Fact]
    public void Bad_lease_settings_are_refused_by_path_saying_what_to_write()
    {
        using var provider = Build(s => s.AddQuota(Section("""
            { "Quota": { "Policies": { "api": { "Period": "monthly",
              "Lease": { "Enabled": "yes", "SettleInterval": "00:05:00", "MaxBlock": 0, "Blocks": 3 } } } } }
            """)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<QuotaOptions>>().Value);

        Assert.Contains(error.Failures, f => f.StartsWith("Quota:Policies:api:Lease:Enabled is 'yes'", StringComparison.Ordinal) && f.Contains("true", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Quota:Policies:api:Lease:Blocks", StringComparison.Ordinal) && f.Contains("SettleInterval", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Quota:Policies:api:Lease:SettleInterval is '00:05:00', which is out of range", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Quota:Policies:api:Lease:MaxBlock is 0, which is not positive", StringComparison.Ordinal));
    }

    [Fact]
    public void A_lifetime_shorter_than_three_settle_intervals_and_a_leased_shadow_policy_are_refused()
    {
        var options = new QuotaOptions();
        var policy = new QuotaPolicyOptions { Period = "monthly", Enforcement = QuotaEnforcement.Shadow };
        policy.Lease.Enabled = true;
        policy.Lease.SettleInterval = TimeSpan.FromSeconds(1);
        policy.Lease.Lifetime = TimeSpan.FromSeconds(2);
        options.Policies["api"] = policy;

        var errors = QuotaOptionsValidator.Collect(options);

        Assert.Contains(errors, e => e.StartsWith("Quota:Policies:api:Lease:Lifetime is '00:00:02', which is out of range. Write at least three settle intervals ('00:00:03')", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Quota:Policies:api:Lease:Enabled is true on a policy whose Enforcement is Shadow", StringComparison.Ordinal));
    }

    [Fact]
    public void A_store_that_cannot_lease_is_refused_at_start_up_naming_the_policy_and_the_store()
    {
        using var provider = Build(s => s.AddQuota()
            .AddPolicy("api", p =>
            {
                p.Period = "monthly";
                p.Lease.Enabled = true;
            })
            .UseStore(sp => new DelegatingStore(new InMemoryQuotaStore(sp.GetRequiredService<IClock>()))));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<QuotaOptions>>().Value);

        Assert.Equal(
            "Quota policy 'api' has Lease:Enabled, but its store (DelegatingStore) cannot lease: it does not implement IQuotaLeaseStore. "
            + "Use a store that leases (SQLite, Redis, or the in-memory store, which needs no lease), or remove Lease:Enabled.",
            Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_leased_policy_starts_on_a_store_built_from_validated_options_of_its_own()
    {
        // Quota's validator builds the store to ask whether it leases, and such a store's factory reads Quota's options
        // first: the two must not wait for each other (the SQLite and Redis stores register this way).
        using var provider = Build(s => s.AddQuota()
            .AddPolicy("api", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 10;
                p.Lease.Enabled = true;
            })
            .UseStore<StoreOptions, StoreOptionsValidator>((sp, _) => new InMemoryQuotaStore(sp.GetRequiredService<IClock>())));

        var quota = await Task.Run(() => provider.GetRequiredService<IQuotaService>()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
    }

    [Fact]
    public async Task The_in_memory_store_runs_a_leased_policy_as_it_is_exact_and_at_once()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        var quota = ServiceFactory.Create(clock, b => b.AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 1000;
            p.Lease.Enabled = true;
        }));

        var granted = await ServiceFactory.ConsumeConcurrently(quota, "api", "alice", callers: 16, callsEach: 100);
        var usage = await quota.GetUsageAsync("api", "alice");

        Assert.Equal(1000, granted);
        Assert.Equal(1000, usage.Meters["requests"]);
        Assert.Empty(usage.Reserved);
    }

    /// <summary>A store's own options, as a store package registers them.</summary>
    public sealed class StoreOptions
    {
        /// <summary>Gets or sets a setting the validator checks.</summary>
        public int Size { get; set; } = 1;
    }

    /// <summary>Checks <see cref="StoreOptions"/>.</summary>
    public sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, StoreOptions options)
            => options.Size > 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail("Size is not positive. Write 1 or more.");
    }
}
