using NodaTime.Testing;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Quota.Tests.Configuration;

/// <summary>
/// Quota.Core's reader of the Quota section on its own: keys of packages the application did not add, keys handed to a
/// package that did add itself, sections claimed by other components, the section given once, and no reload.
/// </summary>
public sealed class QuotaConfigurationReaderTests
{
    private static IConfigurationRoot Json(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static OptionsValidationException StartFails(IConfiguration configuration, Action<QuotaBuilder>? more = null)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        var quota = services.AddQuota(configuration.GetSection("Quota"));
        more?.Invoke(quota);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());
    }

    [Fact]
    public void HTTP_settings_without_the_HTTP_package_are_refused_saying_what_to_add()
    {
        var error = StartFails(Json("""
            { "Quota": { "GlobalPolicy": "api", "Policies": { "api": { "period": "monthly", "quotaBy": "apikey", "quotaOnStatusCodes": "200-299, 304" } } } }
            """));

        Assert.Equal(
            [
                "Quota:GlobalPolicy is 'api', which is a setting of Quota.AspNetCore (HTTP requests). Add that package's settings with .AddHttp() after services.AddQuota(…), or remove it.",
                "Quota:Policies:api:quotaBy is 'apikey', which is a setting of Quota.AspNetCore (HTTP requests). Add that package's settings with .AddHttp() after services.AddQuota(…), or remove it.",
                "Quota:Policies:api:quotaOnStatusCodes is '200-299, 304', which is a setting of Quota.AspNetCore (HTTP requests). Add that package's settings with .AddHttp() after services.AddQuota(…), or remove it.",
            ],
            error.Failures);
    }

    [Fact]
    public void A_packages_keys_are_handed_to_it_and_join_the_same_policy()
    {
        var configuration = Json("""{ "Quota": { "Region": "eu", "Policies": { "api": { "Period": "monthly", "Plan": "gold" } } } }""");
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddSingleton<IQuotaConfigurationContributor, BillingConfiguration>();
        services.AddQuota(configuration.GetSection("Quota"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<QuotaOptions>>().Value;

        Assert.Equal("gold", options.Policies["api"].Settings<BillingSettings>().Plan);
        Assert.Equal("eu", options.Settings<BillingSettings>().Plan);
        Assert.Equal(QuotaPeriod.Monthly, provider.GetRequiredService<IQuotaService>().GetPolicy("api").Period);
    }

    [Fact]
    public void A_package_refuses_its_own_values_and_misspelt_keys_are_matched_against_its_keys_too()
    {
        var error = StartFails(
            Json("""{ "Quota": { "Policies": { "api": { "Period": "monthly", "Plan": "platinum", "Plna": "gold" } } } }"""),
            quota => quota.Services.AddSingleton<IQuotaConfigurationContributor, BillingConfiguration>());

        Assert.Equal(2, error.Failures.Count());
        Assert.Equal("Quota:Policies:api:Plan is 'platinum', which is not a plan. Write Free or Gold.", error.Failures.First());
        Assert.StartsWith("Quota:Policies:api:Plna is 'gold', which is not a setting of a quota policy. Did you mean Plan? Write one of: Period, Allowances, AnchorMode", error.Failures.Last(), StringComparison.Ordinal);
        Assert.EndsWith("SubjectCacheDuration, Thresholds, Lease, Plan.", error.Failures.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_another_component_claims_is_left_to_it()
    {
        var configuration = Json("""{ "Quota": { "Store": { "Path": "quota.db" }, "Policies": { "api": { "Period": "monthly" } } } }""");

        var unclaimed = StartFails(configuration);
        Assert.StartsWith("Quota:Store is a section (Path), which no component reads. If it holds a store's options, pass it to the store", Assert.Single(unclaimed.Failures), StringComparison.Ordinal);

        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddQuota(configuration.GetSection("Quota")).ClaimSection(configuration.GetSection("Quota:Store"));
        using var provider = services.BuildServiceProvider();
        Assert.Equal("api", Assert.Single(provider.GetRequiredService<IQuotaService>().Policies).Name);
    }

    [Fact]
    public void The_section_is_given_once()
    {
        var configuration = Json("""{ "Quota": { "Policies": { "api": { "Period": "monthly" } } }, "Other": { } }""");
        var services = new ServiceCollection();
        services.AddQuota(configuration.GetSection("Quota"));
        services.AddQuota(configuration.GetSection("Quota")).AddPolicy("more", QuotaPeriod.Daily);

        var error = Assert.Throws<InvalidOperationException>(() => services.AddQuota(configuration.GetSection("Other")));

        Assert.Contains("AddQuota was already given the configuration section 'Quota'; the Quota section is given once", error.Message, StringComparison.Ordinal);
        using var provider = services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1)).BuildServiceProvider();
        Assert.Equal(["api", "more"], provider.GetRequiredService<IQuotaService>().Policies.Select(p => p.Name).Order());
    }

    [Fact]
    public void The_whole_configuration_in_place_of_the_section_is_refused_saying_which_to_pass()
    {
        var configuration = Json("""{ "Logging": { "LogLevel": { "Default": "Information" } }, "Quota": { "Policies": { "api": { "Period": "monthly" } } } }""");

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddQuota(configuration));

        Assert.StartsWith("This is the application's whole configuration; pass its Quota section: services.AddQuota(configuration.GetSection(\"Quota\")).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reloaded_section_is_not_applied_until_the_next_start_not_even_in_part()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Quota:Policies:api:Period"] = "monthly",
            ["Quota:Policies:api:Allowances:requests"] = "2",
        });
        builder.Services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        builder.Services.AddQuota(builder.Configuration.GetSection("Quota"));
        using var host = builder.Build();
        await host.StartAsync();
        var quota = host.Services.GetRequiredService<IQuotaService>();
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);

        // One valid change and one invalid one, then a reload: neither applies, and nothing fails.
        builder.Configuration["Quota:Policies:api:Allowances:requests"] = "100";
        builder.Configuration["Quota:Policies:api:FailureMode"] = "Sometimes";
        ((IConfigurationRoot)builder.Configuration).Reload();

        Assert.Equal(2, quota.GetPolicy("api").Allowances["requests"]);
        Assert.Equal(2, host.Services.GetRequiredService<IOptionsMonitor<QuotaOptions>>().CurrentValue.Policies["api"].Allowances["requests"]);
        Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        Assert.False((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        await host.StopAsync();
    }

    [Fact]
    public async Task Policies_in_configuration_that_AddQuota_was_not_given_stop_start_up()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Quota:Policies:api:Period"] = "monthly" });
        builder.Services.AddQuota().AddPolicy("code", QuotaPeriod.Daily);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            "The configuration has policies under Quota:Policies, but services.AddQuota() was not given that section, so none of them would apply. Write services.AddQuota(configuration.GetSection(\"Quota\")).",
            Assert.Single(error.Failures));
    }

    [Fact]
    public void A_section_with_another_name_is_named_in_every_message()
    {
        var configuration = Json("""{ "Limits": { "Policies": { "api": { "Period": "monthly", "Allowances": { "requests": "lots" }, "StoreTimeout": "01:00:00" } } } }""");
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddQuota(configuration.GetSection("Limits"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.StartsWith("Limits:Policies:api:Allowances:requests is 'lots'", error.Failures.First(), StringComparison.Ordinal);
        Assert.StartsWith("Limits:Policies:api:StoreTimeout is '01:00:00', which is out of range", error.Failures.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_no_int_holds_is_refused_by_its_value_not_clamped()
    {
        var error = StartFails(Json("""{ "Quota": { "MaxCachedSubjects": 99999999999, "Policies": { "api": { "Period": "monthly" } } } }"""));

        Assert.Equal(["Quota:MaxCachedSubjects is '99999999999', which is out of range. Write a positive whole number of at most 2147483647, e.g. 100000."], error.Failures);
    }

    private sealed class BillingSettings
    {
        public string? Plan { get; set; }
    }

    /// <summary>A package's contributor: <c>Region</c> under the section, <c>Plan</c> in each policy.</summary>
    private sealed class BillingConfiguration : IQuotaConfigurationContributor
    {
        public IReadOnlyCollection<string> SectionKeys { get; } = ["Region"];

        public IReadOnlyCollection<string> PolicyKeys { get; } = ["Plan"];

        public void Apply(QuotaConfigurationSetting setting)
        {
            if (setting.Policy is null)
            {
                setting.Options.Settings<BillingSettings>().Plan = setting.Section.Value;
            }
            else if (setting.TryReadChoice("a plan", out string plan, ("Free", "free"), ("Gold", "gold")))
            {
                setting.Policy.Settings<BillingSettings>().Plan = plan;
            }
        }
    }
}
