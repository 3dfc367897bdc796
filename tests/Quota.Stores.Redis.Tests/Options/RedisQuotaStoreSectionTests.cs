using NodaTime.Testing;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quota.Stores.Redis;

namespace Quota.Tests.Options;

/// <summary>
/// The store's section as JSON text, and the exact outcome of <c>AddQuota(section).UseRedisStore(section.GetSection("Redis"))</c>:
/// a good section binds to the options written out as one line; a bad one fails start-up, listing each problem by path
/// and value with the policies' problems. Nothing here connects to Redis.
/// </summary>
public sealed class RedisQuotaStoreSectionTests
{
    private const string KnownKeys = "Write one of: Configuration, KeyPrefix, ExpiryGrace, Connection.";

    public static TheoryData<string, string, string> Good => new()
    {
        { "the configuration string alone", """{ "Configuration": "127.0.0.1:6379" }""", "127.0.0.1:6379 | quota | 00:01:00" },
        { "every key", """{ "Configuration": "redis:6379,password=secret", "KeyPrefix": "myapp:quota", "ExpiryGrace": "00:00:05" }""", "redis:6379,password=secret | myapp:quota | 00:00:05" },
        { "keys in any case", """{ "configuration": "a:6379,b:6379", "KEYPREFIX": "q", "expirygrace": "00:00:00" }""", "a:6379,b:6379 | q | 00:00:00" },
        { "a long grace", """{ "Configuration": "127.0.0.1:6379", "ExpiryGrace": "1.00:00:00" }""", "127.0.0.1:6379 | quota | 1.00:00:00" },
        { "a cluster with options", """{ "Configuration": "node1:7000,node2:7001,node3:7002,ssl=true,abortConnect=false" }""", "node1:7000,node2:7001,node3:7002,ssl=true,abortConnect=false | quota | 00:01:00" },
    };

    public static TheoryData<string, string, string[]> Bad => new()
    {
        { "a misspelt key", """{ "Configuration": "127.0.0.1:6379", "KeyPrefx": "app" }""", [$"Quota:Redis:KeyPrefx is 'app', which is not a setting of the Redis quota store. Did you mean KeyPrefix? {KnownKeys}"] },
        { "the usual other name", """{ "ConnectionString": "127.0.0.1:6379" }""", [$"Quota:Redis:ConnectionString is '127.0.0.1:6379', which is not a setting of the Redis quota store. {KnownKeys}", "Quota Redis store: set Configuration to a StackExchange.Redis configuration string, e.g. '127.0.0.1:6379', or pass an existing ConnectionMultiplexer."] },
        { "a connection", """{ "Configuration": "127.0.0.1:6379", "Connection": "127.0.0.1:6379" }""", ["Quota:Redis:Connection is '127.0.0.1:6379', which is a connection object, and configuration cannot hold one. Write Configuration instead, e.g. \"Configuration\": \"127.0.0.1:6379\", or pass the application's connection in code: UseRedisStore(connection)."] },
        { "a grace in seconds", """{ "Configuration": "127.0.0.1:6379", "ExpiryGrace": "60" }""", ["Quota:Redis:ExpiryGrace is '60', which is not a time span. Write hours:minutes:seconds, e.g. '00:01:00'."] },
        { "a negative grace", """{ "Configuration": "127.0.0.1:6379", "ExpiryGrace": "-00:00:01" }""", ["Quota:Redis:ExpiryGrace is '-00:00:01', which is negative. Write zero or more, e.g. '00:01:00'."] },
        { "a prefix with a hash tag", """{ "Configuration": "127.0.0.1:6379", "KeyPrefix": "{app}" }""", ["Quota:Redis:KeyPrefix is '{app}', which is empty or holds '{' or '}' (they would move keys to another cluster slot). Write e.g. 'quota' or 'myapp:quota'."] },
        { "an empty prefix", """{ "Configuration": "127.0.0.1:6379", "KeyPrefix": "" }""", ["Quota:Redis:KeyPrefix is empty, which is not a value. Write one, e.g. 'quota' or 'myapp:quota'."] },
        { "a configuration as a list", """{ "Configuration": [ "a:6379", "b:6379" ] }""", ["Quota:Redis:Configuration is a section (0, 1), which is not a value. Write one, e.g. '127.0.0.1:6379' or 'node1:6379,node2:6379,password=…'.", "Quota Redis store: set Configuration to a StackExchange.Redis configuration string, e.g. '127.0.0.1:6379', or pass an existing ConnectionMultiplexer."] },
        { "a configuration that names no host", """{ "Configuration": "password=secret" }""", ["Quota Redis store: Configuration 'password=secret' names no endpoint. Write host:port, e.g. '127.0.0.1:6379'."] },
        { "the section as a value", "\"127.0.0.1:6379\"", ["Quota:Redis is '127.0.0.1:6379', which is not a section. Write the settings of the Redis quota store by name, e.g. { \"Configuration\": … }.", "Quota Redis store: set Configuration to a StackExchange.Redis configuration string, e.g. '127.0.0.1:6379', or pass an existing ConnectionMultiplexer."] },
        {
            "several problems at once, with the policy's",
            """{ "Configuration": "127.0.0.1:6379", "ExpiryGrace": "soon", "Prefix": "app" }""",
            [
                "Quota:Policies:api:FailureMode is 'Sometimes', which is not a failure mode. Write FailClosed or FailOpen.",
                "Quota:Redis:ExpiryGrace is 'soon', which is not a time span. Write hours:minutes:seconds, e.g. '00:01:00'.",
                $"Quota:Redis:Prefix is 'app', which is not a setting of the Redis quota store. {KnownKeys}",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Good))]
    public void A_good_section_binds_to_the_options(string why, string json, string expected)
    {
        using var provider = Start(json);

        var options = provider.GetRequiredService<IOptions<RedisQuotaStoreOptions>>().Value;

        Assert.True(expected == Show(options), $"{why}: expected {expected}, got {Show(options)}");
        Assert.Null(options.Connection);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void A_bad_section_fails_start_up_naming_each_path_and_value(string why, string json, string[] expected)
    {
        var policy = why.Contains("policy", StringComparison.Ordinal) ? """{ "Period": "monthly", "FailureMode": "Sometimes" }""" : """{ "Period": "monthly" }""";
        using var provider = Start(json, policy);

        var atFirstUse = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>());
        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.True(expected.SequenceEqual(atFirstUse.Failures), $"{why}: got {string.Join(" | ", atFirstUse.Failures)}");
        Assert.Equal(atFirstUse.Failures, atStart.Failures);
    }

    private static string Show(RedisQuotaStoreOptions o)
        => $"{o.Configuration} | {o.KeyPrefix} | {o.ExpiryGrace.ToString("c", System.Globalization.CultureInfo.InvariantCulture)}";

    private static ServiceProvider Start(string redis, string policy = """{ "Period": "monthly" }""")
    {
        var json = $$"""{ "Quota": { "Redis": {{redis}}, "Policies": { "api": {{policy}} } } }""";
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
        var section = configuration.GetSection("Quota");
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        services.AddQuota(section).UseRedisStore(section.GetSection("Redis"));
        return services.BuildServiceProvider();
    }
}
