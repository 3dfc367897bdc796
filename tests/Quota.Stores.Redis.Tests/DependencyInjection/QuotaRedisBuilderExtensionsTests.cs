using NodaTime.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;

namespace Quota.Tests.DependencyInjection;

[Collection(RedisCollection.Name)]
public sealed class QuotaRedisBuilderExtensionsTests(RedisServerFixture redis)
{
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);

    [Fact]
    public async Task UseRedisStore_with_a_configuration_string_counts_in_redis()
    {
        using var provider = Build(quota => quota.UseRedisStore(redis.Configuration));

        Assert.IsType<RedisQuotaStore>(provider.GetRequiredService<IQuotaStore>());
        var quota = provider.GetRequiredService<IQuotaService>();
        var decision = await quota.TryConsumeAsync("api", "alice-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(QuotaOutcome.Allowed, decision.Outcome);
        Assert.Equal(1, decision.GetMeter(0).Used);
    }

    [Fact]
    public async Task UseRedisStore_binds_its_options_from_configuration()
    {
        var prefix = "cfg-" + Guid.NewGuid().ToString("N");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Quota:Redis:Configuration"] = redis.Configuration,
                ["Quota:Redis:KeyPrefix"] = prefix,
                ["Quota:Redis:ExpiryGrace"] = "00:00:05",
            })
            .Build();
        using var provider = Build(quota => quota.UseRedisStore(configuration.GetSection("Quota:Redis")));

        var options = provider.GetRequiredService<IOptions<RedisQuotaStoreOptions>>().Value;
        await provider.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "alice");

        Assert.Equal(TimeSpan.FromSeconds(5), options.ExpiryGrace);
        var anchorKey = $"{prefix}:{{{RedisQuotaKeys.Tag("api", "alice")}}}:anchor";
        Assert.True(await redis.Main.GetDatabase().KeyExistsAsync(anchorKey));
    }

    [Fact]
    public async Task UseRedisStore_with_an_existing_connection_leaves_it_open()
    {
        var prefix = "shared-" + Guid.NewGuid().ToString("N");
        using (var provider = Build(quota => quota.UseRedisStore(redis.Main, o => o.KeyPrefix = prefix)))
        {
            Assert.Equal(QuotaOutcome.Allowed, (await provider.GetRequiredService<IQuotaService>().TryConsumeAsync("api", "alice")).Outcome);
        }

        Assert.True(redis.Main.IsConnected);
        Assert.True(await redis.Main.GetDatabase().KeyExistsAsync($"{prefix}:{{{RedisQuotaKeys.Tag("api", "alice")}}}:anchor"));
    }

    [Fact]
    public void Bad_options_stop_the_application_at_start_up_with_every_problem_listed()
    {
        using var provider = Build(quota => quota.UseRedisStore(o =>
        {
            o.KeyPrefix = "{app}";
            o.ExpiryGrace = TimeSpan.FromSeconds(-1);
        }));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.Contains("Configuration", StringComparison.Ordinal) && f.Contains("127.0.0.1:6379", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("KeyPrefix", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ExpiryGrace", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not a host::: port")]
    [InlineData("abortConnect=false")]
    public void A_configuration_string_without_a_usable_endpoint_is_refused(string configuration)
    {
        var errors = RedisQuotaStoreOptionsValidator.Collect(new RedisQuotaStoreOptions { Configuration = configuration });

        Assert.Contains(errors, e => e.Contains("Configuration", StringComparison.Ordinal));
    }

    [Fact]
    public void The_store_constructor_checks_its_options_too()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisQuotaStore(new RedisQuotaStoreOptions { Configuration = redis.Configuration, Connection = redis.Main }, _clock));

        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_settings_never_abort_unless_the_string_says_otherwise()
    {
        var defaults = RedisConnectionSettings.Create("127.0.0.1:6379");
        var explicitOnes = RedisConnectionSettings.Create("127.0.0.1:6379,abortConnect=true,connectTimeout=9000");

        Assert.False(defaults.AbortOnConnectFail);
        Assert.True(explicitOnes.AbortOnConnectFail);
        Assert.Equal(9000, explicitOnes.ConnectTimeout);
    }

    private ServiceProvider Build(Action<QuotaBuilder> store)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(_clock);
        var builder = services.AddQuota().AddPolicy("api", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 100;
            p.StoreTimeout = TimeSpan.FromSeconds(30);
        });
        store(builder);
        return services.BuildServiceProvider();
    }
}
