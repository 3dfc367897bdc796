namespace Quota.Stores.Sqlite;

/// <summary>
/// The keys of the store's configuration section (e.g. <c>Quota:Sqlite</c>): each applied, or refused by its path and
/// value with what to write instead, within the same limits as the options validator.
/// </summary>
internal static class SqliteQuotaStoreSection
{
    public static readonly QuotaSectionReader<SqliteQuotaStoreOptions> Reader = new QuotaSectionReader<SqliteQuotaStoreOptions>("the SQLite quota store")
        .Add(nameof(SqliteQuotaStoreOptions.ConnectionString), static (key, options) =>
        {
            // The file and its folder are checked by the validator, whose messages name the file.
            if (key.TryReadText(out var text, "'Data Source=quota.db'"))
            {
                options.ConnectionString = text;
            }
        })
        .Add(nameof(SqliteQuotaStoreOptions.Synchronous), static (key, options) =>
        {
            if (key.TryReadChoice("a synchronous mode", out SqliteQuotaSynchronousMode mode, ("Normal", SqliteQuotaSynchronousMode.Normal), ("Full", SqliteQuotaSynchronousMode.Full)))
            {
                options.Synchronous = mode;
            }
        })
        .Add(nameof(SqliteQuotaStoreOptions.BusyTimeout), static (key, options) =>
        {
            if (!key.TryReadTimeSpan(out var timeout, "'00:00:05'"))
            {
                return;
            }

            if (SqliteQuotaStoreSettings.BusyTimeoutProblem(timeout) is { } problem)
            {
                key.Refuse(problem);
            }
            else
            {
                options.BusyTimeout = timeout;
            }
        })
        .Add(nameof(SqliteQuotaStoreOptions.MaxReadConnections), static (key, options) =>
        {
            if (TryReadCount(key, SqliteQuotaStoreSettings.MaxReadConnections, out var count))
            {
                options.MaxReadConnections = count;
            }
        })
        .Add(nameof(SqliteQuotaStoreOptions.PurgeEveryWrites), static (key, options) =>
        {
            if (TryReadCount(key, SqliteQuotaStoreSettings.PurgeEveryWrites, out var count))
            {
                options.PurgeEveryWrites = count;
            }
        })
        .Add(nameof(SqliteQuotaStoreOptions.PurgeBatchSize), static (key, options) =>
        {
            if (TryReadCount(key, SqliteQuotaStoreSettings.PurgeBatchSize, out var count))
            {
                options.PurgeBatchSize = count;
            }
        });

    private static bool TryReadCount(QuotaConfigurationKey key, SqliteQuotaStoreSettings.Range range, out int count)
        => key.TryReadInteger(out count, range.Minimum, range.Maximum, range.Example);
}
