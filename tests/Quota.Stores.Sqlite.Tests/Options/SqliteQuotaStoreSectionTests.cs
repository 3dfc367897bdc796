using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.Options;

/// <summary>
/// The store's section as JSON text (<c>{db}</c> stands for the test's file), and the exact outcome of
/// <c>AddQuota(section).UseSqliteStore(section.GetSection("Sqlite"))</c>: a good section binds to the options written
/// out as one line; a bad one fails start-up, listing each problem by path and value with the policies' problems.
/// </summary>
public sealed class SqliteQuotaStoreSectionTests : SqliteFileTest
{
    private const string KnownKeys = "Write one of: ConnectionString, Synchronous, BusyTimeout, MaxReadConnections, PurgeEveryWrites, PurgeBatchSize.";

    public static TheoryData<string, string, string> Good => new()
    {
        { "the connection string alone", """{ "ConnectionString": "Data Source={db}" }""", "Normal 00:00:05 4 1000 500" },
        { "every key", """{ "ConnectionString": "Data Source={db}", "Synchronous": "Full", "BusyTimeout": "00:00:02", "MaxReadConnections": 2, "PurgeEveryWrites": 10, "PurgeBatchSize": 5 }""", "Full 00:00:02 2 10 5" },
        { "keys and values in any case", """{ "connectionstring": "Data Source={db}", "SYNCHRONOUS": "full", "busyTimeout": "00:01:00" }""", "Full 00:01:00 4 1000 500" },
        { "numbers as strings", """{ "ConnectionString": "Data Source={db}", "MaxReadConnections": "8", "PurgeBatchSize": "+50" }""", "Normal 00:00:05 8 1000 50" },
        { "the largest limits", """{ "ConnectionString": "Data Source={db}", "BusyTimeout": "00:10:00", "MaxReadConnections": 256, "PurgeEveryWrites": 2147483647 }""", "Normal 00:10:00 256 2147483647 500" },
        { "the smallest limits", """{ "ConnectionString": "Data Source={db}", "BusyTimeout": "00:00:00.001", "MaxReadConnections": 1, "PurgeEveryWrites": 1, "PurgeBatchSize": 1 }""", "Normal 00:00:00.0010000 1 1 1" },
        { "a connection string with more settings", """{ "ConnectionString": "Data Source={db};Cache=Shared", "Synchronous": "normal" }""", "Normal 00:00:05 4 1000 500" },
    };

    public static TheoryData<string, string, string[]> Bad => new()
    {
        { "a misspelt key", """{ "ConnectionString": "Data Source={db}", "BusyTimout": "00:00:02" }""", [$"Quota:Sqlite:BusyTimout is '00:00:02', which is not a setting of the SQLite quota store. Did you mean BusyTimeout? {KnownKeys}"] },
        { "an unknown key", """{ "ConnectionString": "Data Source={db}", "JournalMode": "WAL" }""", [$"Quota:Sqlite:JournalMode is 'WAL', which is not a setting of the SQLite quota store. {KnownKeys}"] },
        { "an unknown mode", """{ "ConnectionString": "Data Source={db}", "Synchronous": "Fast" }""", ["Quota:Sqlite:Synchronous is 'Fast', which is not a synchronous mode. Write Normal or Full."] },
        { "a mode by number", """{ "ConnectionString": "Data Source={db}", "Synchronous": "1" }""", ["Quota:Sqlite:Synchronous is '1', which is not a synchronous mode. Write Normal or Full."] },
        { "a timeout in seconds", """{ "ConnectionString": "Data Source={db}", "BusyTimeout": "5" }""", ["Quota:Sqlite:BusyTimeout is '5', which is not a time span. Write hours:minutes:seconds, e.g. '00:00:05'."] },
        { "a timeout too long", """{ "ConnectionString": "Data Source={db}", "BusyTimeout": "00:30:00" }""", ["Quota:Sqlite:BusyTimeout is '00:30:00', which is out of range. Write a positive time of at most 10 minutes, e.g. '00:00:05'."] },
        { "a zero timeout", """{ "ConnectionString": "Data Source={db}", "BusyTimeout": "00:00:00" }""", ["Quota:Sqlite:BusyTimeout is '00:00:00', which is out of range. Write a positive time of at most 10 minutes, e.g. '00:00:05'."] },
        { "a count in words", """{ "ConnectionString": "Data Source={db}", "MaxReadConnections": "four" }""", ["Quota:Sqlite:MaxReadConnections is 'four', which is not a whole number. Write digits only, e.g. 4."] },
        { "a count out of range", """{ "ConnectionString": "Data Source={db}", "MaxReadConnections": 0 }""", ["Quota:Sqlite:MaxReadConnections is '0', which is out of range. Write a whole number from 1 to 256, e.g. 4."] },
        { "a count with a separator", """{ "ConnectionString": "Data Source={db}", "PurgeEveryWrites": "1,000" }""", ["Quota:Sqlite:PurgeEveryWrites is '1,000', which is not a whole number. Write digits only, e.g. 1000."] },
        { "a count past int", """{ "ConnectionString": "Data Source={db}", "PurgeBatchSize": 99999999999 }""", ["Quota:Sqlite:PurgeBatchSize is '99999999999', which is out of range. Write a whole number of 1 or more, e.g. 500."] },
        { "a negative count", """{ "ConnectionString": "Data Source={db}", "PurgeBatchSize": -1 }""", ["Quota:Sqlite:PurgeBatchSize is '-1', which is out of range. Write a whole number of 1 or more, e.g. 500."] },
        { "a connection string as a section", """{ "ConnectionString": { "DataSource": "{db}" } }""", ["Quota:Sqlite:ConnectionString is a section (DataSource), which is not a value. Write one, e.g. 'Data Source=quota.db'.", "SqliteQuotaStoreOptions.ConnectionString is required. Write e.g. \"Data Source=quota.db\" (a file next to the app) or \"Data Source=/var/lib/myapp/quota.db\"."] },
        { "no connection string", """{ "Synchronous": "Full" }""", ["SqliteQuotaStoreOptions.ConnectionString is required. Write e.g. \"Data Source=quota.db\" (a file next to the app) or \"Data Source=/var/lib/myapp/quota.db\"."] },
        { "an in-memory database", """{ "ConnectionString": "Data Source=:memory:" }""", ["The SQLite quota store needs a file, not an in-memory database: write e.g. \"Data Source=quota.db\", or use UseInMemoryStore() for usage that need not survive a restart."] },
        { "the section as a value", "\"Data Source={db}\"", ["Quota:Sqlite is 'Data Source={db}', which is not a section. Write the settings of the SQLite quota store by name, e.g. { \"ConnectionString\": … }.", "SqliteQuotaStoreOptions.ConnectionString is required. Write e.g. \"Data Source=quota.db\" (a file next to the app) or \"Data Source=/var/lib/myapp/quota.db\"."] },
        {
            "several problems at once, in the configuration's order",
            """{ "ConnectionString": "Data Source={db}", "Synchronous": "Fast", "BusyTimeout": "soon", "MaxReadConnections": 1000 }""",
            [
                "Quota:Sqlite:BusyTimeout is 'soon', which is not a time span. Write hours:minutes:seconds, e.g. '00:00:05'.",
                "Quota:Sqlite:MaxReadConnections is '1000', which is out of range. Write a whole number from 1 to 256, e.g. 4.",
                "Quota:Sqlite:Synchronous is 'Fast', which is not a synchronous mode. Write Normal or Full.",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Good))]
    public void A_good_section_binds_to_the_options(string why, string json, string expected)
    {
        using var provider = Start(json);

        var options = provider.GetRequiredService<IOptions<SqliteQuotaStoreOptions>>().Value;

        Assert.StartsWith($"Data Source={Database.FilePath}", options.ConnectionString, StringComparison.Ordinal);
        Assert.True(expected == Show(options), $"{why}: expected {expected}, got {Show(options)}");
        Assert.IsType<SqliteQuotaStore>(provider.GetRequiredService<IQuotaStore>());
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void A_bad_section_fails_start_up_naming_each_path_and_value(string why, string json, string[] expected)
    {
        using var provider = Start(json);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());

        Assert.True(expected.Select(Placed).SequenceEqual(error.Failures), $"{why}: got {string.Join(" | ", error.Failures)}");
    }

    [Fact]
    public void Store_problems_are_listed_with_the_policies_problems_in_one_exception_with_or_without_a_host()
    {
        using var provider = Start("""{ "ConnectionString": "Data Source={db}", "BusyTimout": "00:00:02" }""", policy: """{ "Period": "monthly", "Allowances": { "requests": "10,000" } }""");

        var atFirstUse = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());
        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        foreach (var error in new[] { atFirstUse, atStart })
        {
            Assert.Equal(2, error.Failures.Count());
            Assert.StartsWith("Quota:Policies:api:Allowances:requests is '10,000', which is not a whole number.", error.Failures.First(), StringComparison.Ordinal);
            Assert.StartsWith("Quota:Sqlite:BusyTimout is '00:00:02', which is not a setting of the SQLite quota store.", error.Failures.Last(), StringComparison.Ordinal);
        }
    }

    private static string Show(SqliteQuotaStoreOptions o)
        => string.Join(' ', o.Synchronous, o.BusyTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture), o.MaxReadConnections, o.PurgeEveryWrites, o.PurgeBatchSize);

    private string Placed(string text) => text.Replace("{db}", Database.FilePath, StringComparison.Ordinal);

    private ServiceProvider Start(string sqlite, string policy = """{ "Period": "monthly" }""")
    {
        var json = Placed($$"""{ "Quota": { "Sqlite": {{sqlite}}, "Policies": { "api": {{policy}} } } }""");
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var section = configuration.GetSection("Quota");
        var services = new ServiceCollection().AddSingleton<IClock>(Clock);
        services.AddQuota(section).UseSqliteStore(section.GetSection("Sqlite"));
        return services.BuildServiceProvider();
    }
}
