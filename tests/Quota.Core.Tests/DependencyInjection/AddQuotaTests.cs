using NodaTime.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Quota.Tests.DependencyInjection;

public sealed class AddQuotaTests
{
    private static IConfiguration Json(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();

    [Fact]
    public async Task Binds_policies_from_configuration()
    {
        var configuration = Json("""
            {
              "Quota": {
                "Policies": {
                  "api": {
                    "Period": "monthly",
                    "Allowances": { "requests": 10000, "tokens": 500000 },
                    "AnchorMode": "first-api-call",
                    "TimeZone": "Europe/Berlin",
                    "Enforcement": "Shadow",
                    "FailureMode": "FailOpen",
                    "StoreTimeout": "00:00:00.250"
                  },
                  "reports": { "Period": "P3M", "AnchorMode": "Calendar", "Allowances": { "rows": 1000000 } }
                }
              }
            }
            """);
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddQuota(configuration.GetSection("Quota"));

        var quota = services.BuildServiceProvider().GetRequiredService<IQuotaService>();

        var api = quota.GetPolicy("api");
        Assert.Equal(QuotaPeriod.Monthly, api.Period);
        Assert.Equal(10000, api.Allowances["requests"]);
        Assert.Equal(500000, api.Allowances["tokens"]);
        Assert.Equal(QuotaAnchorMode.FirstUse, api.AnchorMode);
        Assert.Equal("Europe/Berlin", api.Zone.Id);
        Assert.Equal(QuotaEnforcement.Shadow, api.Enforcement);
        Assert.Equal(QuotaFailureMode.FailOpen, api.FailureMode);
        Assert.Equal(TimeSpan.FromMilliseconds(250), api.StoreTimeout);
        var reports = quota.GetPolicy("reports");
        Assert.Equal("P3M", reports.Period.ToIsoString());
        Assert.Equal(QuotaAnchorMode.Calendar, reports.AnchorMode);
        Assert.True((await quota.TryConsumeAsync("reports", "team", new Dictionary<string, long> { ["rows"] = 1000 })).IsAllowed);
    }

    [Fact]
    public void AddQuota_registers_the_system_time_provider_unless_the_application_has_one()
    {
        var plain = new ServiceCollection();
        plain.AddQuota();
        Assert.Same(TimeProvider.System, plain.BuildServiceProvider().GetRequiredService<TimeProvider>());

        var own = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(own);
        services.AddQuota();
        Assert.Same(own, services.BuildServiceProvider().GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void UseTimeProvider_sets_the_timers_and_the_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 1, 31, 4, 30, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddQuota().UseTimeProvider(time);
        var provider = services.BuildServiceProvider();

        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
        var clock = provider.GetRequiredService<IClock>();
        Assert.Equal(Instant.FromUtc(2024, 1, 31, 4, 30), clock.GetCurrentInstant());
        time.Advance(TimeSpan.FromDays(30));
        Assert.Equal(Instant.FromUtc(2024, 3, 1, 4, 30), clock.GetCurrentInstant());
    }

    [Fact]
    public void Code_adds_to_configured_policies()
    {
        var configuration = Json("""{ "Policies": { "sub": { "Period": "monthly", "AnchorMode": "Function" } } }""");
        var services = new ServiceCollection();
        services.AddQuota(configuration)
            .AddPolicy("sub", p => p.AnchorProvider = (_, _) => ValueTask.FromResult(Instant.FromUtc(2024, 1, 1, 0, 0)));

        var quota = services.BuildServiceProvider().GetRequiredService<IQuotaService>();

        Assert.Equal(QuotaAnchorMode.Function, quota.GetPolicy("sub").AnchorMode);
    }

    [Fact]
    public void An_anchor_function_under_another_anchor_mode_is_refused_rather_than_ignored()
    {
        var configuration = Json("""{ "Policies": { "sub": { "Period": "monthly", "AnchorMode": "Calendar" } } }""");
        var services = new ServiceCollection();
        services.AddQuota(configuration)
            .AddPolicy("sub", p => p.AnchorProvider = (_, _) => ValueTask.FromResult(Instant.FromUtc(2024, 1, 1, 0, 0)));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.Equal("Policies:sub:AnchorMode is 'Calendar', so the AnchorProvider set in code would never be called. Write Function to count cycles from it, or remove it.", Assert.Single(error.Failures));
    }

    [Fact]
    public async Task A_bad_policy_stops_the_host_at_start_up_listing_every_problem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("""
            {
              "Quota": {
                "Policies": {
                  "api": { "Period": "fortnightly", "Allowances": { "requests": -5 }, "TimeZone": "Mars/Olympus" },
                  "sub": { "Period": "monthly", "AnchorMode": "Function", "StoreTimeout": "00:00:00" }
                }
              }
            }
            """)));
        builder.Services.AddQuota(builder.Configuration.GetSection("Quota"));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var message = string.Join("\n", error.Failures);
        Assert.Contains("Quota:Policies:api:Period: 'fortnightly' is not a quota period. Write 'hourly', 'daily', 'weekly', 'monthly', 'yearly'", message);
        Assert.Contains("Quota:Policies:api:Allowances:requests is -5, which is negative. Write zero or more", message);
        Assert.Contains("Quota:Policies:api:TimeZone is 'Mars/Olympus', which is not an IANA time zone id", message);
        Assert.Contains("Quota:Policies:sub:AnchorMode is 'Function' but no AnchorProvider is set", message);
        Assert.Contains("Quota:Policies:sub:StoreTimeout is '00:00:00', which is out of range", message);
        Assert.Equal(5, error.Failures.Count());
    }

    [Fact]
    public void Without_a_host_the_first_use_fails_with_the_same_message()
    {
        var services = new ServiceCollection();
        services.AddQuota().AddPolicy("api", p => p.Period = "P0D");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.Contains("Quota:Policies:api:Period: 'P0D' is not a positive period", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(61)]
    public void A_clock_read_interval_outside_zero_to_a_minute_is_refused(int seconds)
    {
        var services = new ServiceCollection();
        services.AddQuota().Configure(o => o.ClockReadInterval = TimeSpan.FromSeconds(seconds)).AddPolicy("api", p => p.Period = "monthly");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.Contains("Quota:ClockReadInterval is '", error.Message);
        Assert.Contains("Write a time from '00:00:00' (read the clock on every call) to '00:01:00'", error.Message);
    }

    [Fact]
    public void A_missing_period_says_it_is_required()
    {
        var services = new ServiceCollection();
        services.AddQuota().AddPolicy("api", p => p.Allowances["requests"] = 1);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.Contains("Quota:Policies:api:Period: A quota period is required", error.Message);
    }

    [Fact]
    public void The_system_clock_is_registered_unless_the_app_brings_its_own()
    {
        var plain = new ServiceCollection();
        plain.AddQuota();
        var custom = new ServiceCollection();
        var fake = FakeClock.FromUtc(2026, 1, 1);
        custom.AddSingleton<IClock>(fake);
        custom.AddQuota();

        Assert.Same(SystemClock.Instance, plain.BuildServiceProvider().GetRequiredService<IClock>());
        Assert.Same(fake, custom.BuildServiceProvider().GetRequiredService<IClock>());
    }

    [Fact]
    public void The_in_memory_store_is_the_default_and_can_be_replaced()
    {
        var services = new ServiceCollection();
        services.AddQuota();
        var replaced = new ServiceCollection();
        var store = new InMemoryQuotaStore(FakeClock.FromUtc(2026, 1, 1));
        replaced.AddQuota().UseStore(_ => store);

        Assert.IsType<InMemoryQuotaStore>(services.BuildServiceProvider().GetRequiredService<IQuotaStore>());
        Assert.Same(store, replaced.BuildServiceProvider().GetRequiredService<IQuotaStore>());
        Assert.Single(replaced, d => d.ServiceType == typeof(IQuotaStore));
    }

    [Fact]
    public void AddQuota_twice_registers_once()
    {
        var services = new ServiceCollection();
        services.AddQuota().AddPolicy("a", QuotaPeriod.Daily);
        services.AddQuota().AddPolicy("b", QuotaPeriod.Hourly);

        var quota = services.BuildServiceProvider().GetRequiredService<IQuotaService>();

        Assert.Equal(["a", "b"], quota.Policies.Select(p => p.Name).Order());
        Assert.Single(services, d => d.ServiceType == typeof(IQuotaService));
    }
}
