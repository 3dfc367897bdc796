using NodaTime.Testing;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Quota.Tests.Configuration;

/// <summary>
/// A component's own section (a store's) read key by key through <see cref="QuotaBuilder.ReadSection{TOptions}"/>: keys
/// applied, refused by path and value, and listed with every other configuration problem in one exception.
/// </summary>
public sealed class QuotaSectionReaderTests
{
    private static readonly QuotaSectionReader<ShelfOptions> Reader = new QuotaSectionReader<ShelfOptions>("the shelf store")
        .Add("Endpoint", static (key, o) =>
        {
            if (key.TryReadText(out var text, "'shelf.internal'"))
            {
                o.Endpoint = text;
            }
        })
        .Add("Timeout", static (key, o) =>
        {
            if (key.TryReadTimeSpan(out var timeout, "'00:00:02'"))
            {
                o.Timeout = timeout;
            }
        })
        .Add("Shelves", static (key, o) =>
        {
            if (key.TryReadInteger(out int shelves, 1, 16, "4"))
            {
                o.Shelves = shelves;
            }
        });

    private static IConfigurationRoot Json(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static ServiceProvider Build(IConfiguration configuration, Action<QuotaBuilder>? more = null)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        var quota = services.AddQuota(configuration.GetSection("Quota"));
        quota.UseStore<ShelfOptions, ShelfValidator>((sp, options) => new InMemoryQuotaStore(sp.GetRequiredService<IClock>()));
        quota.ReadSection(configuration.GetSection("Quota:Shelf"), Reader);
        more?.Invoke(quota);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Keys_are_applied_ignoring_case_and_code_configured_after_the_section_wins()
    {
        using var provider = Build(
            Json("""{ "Quota": { "Shelf": { "endpoint": "shelf.internal", "TIMEOUT": "00:00:03", "Shelves": 16 }, "Policies": { "api": { "Period": "daily" } } } }"""),
            quota => quota.Services.Configure<ShelfOptions>(o => o.Shelves = 2));

        var options = provider.GetRequiredService<IOptions<ShelfOptions>>().Value;

        Assert.Equal("shelf.internal", options.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Equal(2, options.Shelves);
        Assert.Equal("api", Assert.Single(provider.GetRequiredService<IQuotaService>().Policies).Name);
    }

    [Fact]
    public void Every_problem_of_the_section_the_store_and_the_policies_is_listed_in_one_exception()
    {
        using var provider = Build(Json("""
            { "Quota": { "Shelf": { "Timout": "00:00:03", "Shelves": 17, "Timeout": "3" }, "Policies": { "api": { "Period": "fortnightly" } } } }
            """));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.Equal(typeof(QuotaOptions), error.OptionsType);
        Assert.Collection(
            error.Failures,
            f => Assert.StartsWith("Quota:Policies:api:Period: ", f, StringComparison.Ordinal),
            f => Assert.Equal("Quota:Shelf:Shelves is '17', which is out of range. Write a whole number from 1 to 16, e.g. 4.", f),
            f => Assert.Equal("Quota:Shelf:Timeout is '3', which is not a time span. Write hours:minutes:seconds, e.g. '00:00:02'.", f),
            f => Assert.Equal("Quota:Shelf:Timout is '00:00:03', which is not a setting of the shelf store. Did you mean Timeout? Write one of: Endpoint, Timeout, Shelves.", f),
            f => Assert.Equal("ShelfOptions.Endpoint is required. Write e.g. 'shelf.internal'.", f));
    }

    [Fact]
    public void A_host_reports_them_in_the_same_one_exception()
    {
        using var provider = Build(Json("""{ "Quota": { "Shelf": { "Shelves": "many" } } }"""));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            ["Quota:Shelf:Shelves is 'many', which is not a whole number. Write digits only, e.g. 4.", "ShelfOptions.Endpoint is required. Write e.g. 'shelf.internal'."],
            error.Failures);
    }

    [Fact]
    public void A_section_that_is_a_value_is_refused_saying_to_write_the_settings()
    {
        using var provider = Build(Json("""{ "Quota": { "Shelf": "shelf.internal" } }"""), quota => quota.Services.Configure<ShelfOptions>(o => o.Endpoint = "x"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.Equal(["Quota:Shelf is 'shelf.internal', which is not a section. Write the settings of the shelf store by name, e.g. { \"Endpoint\": … }."], error.Failures);
    }

    [Fact]
    public void A_store_replaced_later_is_no_longer_checked_and_its_section_stays_claimed()
    {
        using var provider = Build(Json("""{ "Quota": { "Shelf": { "Shelves": "many" }, "Policies": { "api": { "Period": "daily" } } } }"""), quota => quota.UseInMemoryStore());

        Assert.IsType<InMemoryQuotaStore>(provider.GetRequiredService<IQuotaStore>());
        Assert.Equal("api", Assert.Single(provider.GetRequiredService<IQuotaService>().Policies).Name);
    }

    [Fact]
    public void A_section_given_twice_is_read_once()
    {
        var configuration = Json("""{ "Quota": { "Shelf": { "Endpoint": "shelf.internal", "Shelfs": 2 } } }""");
        using var provider = Build(configuration, quota => quota.ReadSection(configuration.GetSection("Quota:Shelf"), Reader));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.StartsWith("Quota:Shelf:Shelfs is '2', which is not a setting of the shelf store. Did you mean Shelves?", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_outside_the_Quota_section_is_read_the_same_way()
    {
        var configuration = Json("""{ "Shelf": { "Endpoint": "shelf.internal", "Shelves": 0 } }""");
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddQuota()
            .ReadSection(configuration.GetSection("Shelf"), Reader)
            .UseStore<ShelfOptions, ShelfValidator>((sp, _) => new InMemoryQuotaStore(sp.GetRequiredService<IClock>()));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.Equal(["Shelf:Shelves is '0', which is out of range. Write a whole number from 1 to 16, e.g. 4."], error.Failures);
    }

    [Fact]
    public void A_reader_knows_each_key_once_and_reading_a_missing_section_changes_nothing()
    {
        var error = Assert.Throws<ArgumentException>(() => Reader.Add("endpoint", static (_, _) => { }));
        Assert.StartsWith("The reader already reads 'endpoint'. Add each key once.", error.Message, StringComparison.Ordinal);
        Assert.Equal(["Endpoint", "Timeout", "Shelves"], Reader.Keys);

        var options = new ShelfOptions();
        Assert.Empty(Reader.Read(Json("{}").GetSection("Quota:Shelf"), options));
        Assert.Equal(4, options.Shelves);
    }

    public sealed class ShelfOptions
    {
        public string? Endpoint { get; set; }

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

        public int Shelves { get; set; } = 4;
    }

    private sealed class ShelfValidator : IValidateOptions<ShelfOptions>
    {
        public ValidateOptionsResult Validate(string? name, ShelfOptions options)
            => options.Endpoint is null ? ValidateOptionsResult.Fail("ShelfOptions.Endpoint is required. Write e.g. 'shelf.internal'.") : ValidateOptionsResult.Success;
    }
}
