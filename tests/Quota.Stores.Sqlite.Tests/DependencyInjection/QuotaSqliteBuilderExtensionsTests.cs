using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.DependencyInjection;

public sealed class QuotaSqliteBuilderExtensionsTests : SqliteFileTest
{

    [Fact]
    public async Task UseSqliteStore_keeps_usage_across_a_restart()
    {
        await using (var first = Provider(b => b.UseSqliteStore(Database.ConnectionString)))
        {
            var store = first.GetRequiredService<IQuotaStore>();
            Assert.Equal(Database.FilePath, Assert.IsType<SqliteQuotaStore>(store).FilePath);
            var quota = first.GetRequiredService<IQuotaService>();
            Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
            Assert.True((await quota.TryConsumeAsync("api", "alice")).IsAllowed);
        }

        await using var restarted = Provider(b => b.UseSqliteStore(Database.ConnectionString));
        var usage = await restarted.GetRequiredService<IQuotaService>().GetUsageAsync("api", "alice");
        Assert.Equal(2, usage.Meters["requests"]);
        Assert.False((await restarted.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "alice")).IsAllowed);
    }

    [Fact]
    public async Task UseSqliteStore_binds_its_options_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Quota:Sqlite:ConnectionString"] = Database.ConnectionString,
                ["Quota:Sqlite:Synchronous"] = "Full",
                ["Quota:Sqlite:BusyTimeout"] = "00:00:02",
                ["Quota:Sqlite:PurgeBatchSize"] = "100",
            })
            .Build();

        await using var provider = Provider(b => b.UseSqliteStore(configuration.GetSection("Quota:Sqlite")));

        var options = provider.GetRequiredService<IOptions<SqliteQuotaStoreOptions>>().Value;
        Assert.Equal(Database.ConnectionString, options.ConnectionString);
        Assert.Equal(SqliteQuotaSynchronousMode.Full, options.Synchronous);
        Assert.Equal(TimeSpan.FromSeconds(2), options.BusyTimeout);
        Assert.Equal(100, options.PurgeBatchSize);
        Assert.True((await provider.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "bob")).IsAllowed);
    }

    [Fact]
    public async Task UseSqliteStore_takes_options_in_code()
    {
        await using var provider = Provider(b => b.UseSqliteStore(o =>
        {
            o.ConnectionString = Database.ConnectionString;
            o.MaxReadConnections = 2;
        }));

        Assert.Equal(2, provider.GetRequiredService<IOptions<SqliteQuotaStoreOptions>>().Value.MaxReadConnections);
        Assert.True((await provider.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "carol")).IsAllowed);
        Assert.Equal(1, Database.Scalar("SELECT value FROM quota_meters WHERE subject = 'carol'"));
    }

    [Fact]
    public async Task Bad_options_stop_the_application_at_start_up_with_every_problem()
    {
        var missing = Path.Combine(Database.Folder, "missing", "quota.db");
        await using var provider = Provider(b => b.UseSqliteStore(o =>
        {
            o.ConnectionString = $"Data Source={missing}";
            o.PurgeBatchSize = 0;
        }));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(missing, error.Message);
        Assert.Contains("PurgeBatchSize", error.Message);
    }

    private ServiceProvider Provider(Action<QuotaBuilder> useStore)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(Clock);
        useStore(services.AddQuota().AddPolicy("api", QuotaPeriod.Monthly, ("requests", 2)));
        return services.BuildServiceProvider();
    }
}
