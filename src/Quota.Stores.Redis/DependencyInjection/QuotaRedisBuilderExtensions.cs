using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Quota;
using Quota.Stores.Redis;
using StackExchange.Redis;

// In the host's namespace so that UseRedisStore is found without a using, like AddQuota.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps Quota's usage in Redis, shared by every instance of the application.</summary>
public static class QuotaRedisBuilderExtensions
{
    /// <summary>Keeps usage in Redis at <paramref name="configuration"/>.</summary>
    /// <param name="builder">The builder from <c>services.AddQuota()</c>.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>, or several cluster nodes separated by commas.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder UseRedisStore(this QuotaBuilder builder, string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.UseRedisStore(options => options.Configuration = configuration);
    }

    /// <summary>Keeps usage in Redis, configured in code.</summary>
    /// <param name="builder">The builder from <c>services.AddQuota()</c>.</param>
    /// <param name="configure">Sets the options, e.g. <c>o => { o.Configuration = "redis:6379"; o.KeyPrefix = "myapp:quota"; }</c>.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder UseRedisStore(this QuotaBuilder builder, Action<RedisQuotaStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder).Configure(configure);
        return builder;
    }

    /// <summary>
    /// Keeps usage in Redis, with options read from configuration, e.g. the section <c>Quota:Redis</c> holding
    /// <c>Configuration</c>, <c>KeyPrefix</c> and <c>ExpiryGrace</c>.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddQuota()</c>.</param>
    /// <param name="section">The configuration section with the store's options.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Every key of the section is applied or refused at start-up by its full path and value, listed with every other
    /// configuration problem: a misspelt <c>KeyPrefx</c> or <c>"ExpiryGrace": "60"</c> stops the application instead of
    /// being ignored.
    /// </remarks>
    public static QuotaBuilder UseRedisStore(this QuotaBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        Register(builder);
        return builder.ReadSection(section, RedisQuotaStoreSection.Reader);
    }

    /// <summary>Keeps usage in Redis through a connection the application already has (and keeps open).</summary>
    /// <param name="builder">The builder from <c>services.AddQuota()</c>.</param>
    /// <param name="connection">The application's connection multiplexer.</param>
    /// <param name="configure">Optionally sets further options, such as <see cref="RedisQuotaStoreOptions.KeyPrefix"/>.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder UseRedisStore(this QuotaBuilder builder, IConnectionMultiplexer connection, Action<RedisQuotaStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return builder.UseRedisStore(options =>
        {
            options.Connection = connection;
            configure?.Invoke(options);
        });
    }

    private static OptionsBuilder<RedisQuotaStoreOptions> Register(QuotaBuilder builder)
        => builder.UseStore<RedisQuotaStoreOptions, RedisQuotaStoreOptionsValidator>((sp, options) => new RedisQuotaStore(
            options, sp.GetRequiredService<IClock>(), sp.GetService<ILogger<RedisQuotaStore>>()));
}
