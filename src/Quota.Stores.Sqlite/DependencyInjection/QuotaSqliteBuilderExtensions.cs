using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using Quota;
using Quota.Stores.Sqlite;

// In the host's namespace so that UseSqliteStore is found without a using, like AddQuota.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps Quota's usage in a SQLite file: <c>services.AddQuota().UseSqliteStore("Data Source=quota.db")</c>.</summary>
public static class QuotaSqliteBuilderExtensions
{
    /// <summary>Keeps usage in the SQLite file a connection string names, created (with its schema) on first use.</summary>
    /// <param name="builder">The Quota builder.</param>
    /// <param name="connectionString">E.g. <c>Data Source=quota.db</c>; the file's folder must exist.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder UseSqliteStore(this QuotaBuilder builder, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseSqliteStore(options => options.ConnectionString = connectionString);
    }

    /// <summary>Keeps usage in a SQLite file configured in code.</summary>
    /// <param name="builder">The Quota builder.</param>
    /// <param name="configure">Sets the options, at least <see cref="SqliteQuotaStoreOptions.ConnectionString"/>.</param>
    /// <returns>The builder.</returns>
    public static QuotaBuilder UseSqliteStore(this QuotaBuilder builder, Action<SqliteQuotaStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Register(builder).Configure(configure);
        return builder;
    }

    /// <summary>
    /// Keeps usage in a SQLite file configured from configuration, e.g. <c>configuration.GetSection("Quota:Sqlite")</c>
    /// with <c>ConnectionString</c>, and optionally <c>Synchronous</c> (<c>Normal</c> or <c>Full</c>), <c>BusyTimeout</c>,
    /// <c>MaxReadConnections</c>, <c>PurgeEveryWrites</c> and <c>PurgeBatchSize</c>.
    /// </summary>
    /// <param name="builder">The Quota builder.</param>
    /// <param name="configuration">The section holding the store's options.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// Every key of the section is applied or refused at start-up by its full path and value, listed with every other
    /// configuration problem: a misspelt <c>BusyTimout</c>, <c>"Synchronous": "Fast"</c> or <c>"MaxReadConnections": "four"</c>
    /// stops the application instead of being ignored.
    /// </remarks>
    public static QuotaBuilder UseSqliteStore(this QuotaBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Register(builder);
        return builder.ReadSection(configuration, SqliteQuotaStoreSection.Reader);
    }

    private static OptionsBuilder<SqliteQuotaStoreOptions> Register(QuotaBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore<SqliteQuotaStoreOptions, SqliteQuotaStoreOptionsValidator>((sp, options) => new SqliteQuotaStore(
            options, sp.GetRequiredService<IClock>(), sp.GetService<ILogger<SqliteQuotaStore>>()));
    }
}
