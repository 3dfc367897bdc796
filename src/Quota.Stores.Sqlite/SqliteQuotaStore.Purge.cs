namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore
{
    /// <summary>Deletes every counter whose expiry has passed, in batches of <see cref="SqliteQuotaStoreOptions.PurgeBatchSize"/> so writers are never held up long.</summary>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>The number of counters deleted.</returns>
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var deleted = await WriteAsync(0, static (store, writer, _) => store.PurgeBatch(writer), cancellationToken, countsAsWrite: false).ConfigureAwait(false);
            total += deleted;
            if (deleted < _purgeBatchSize)
            {
                return total;
            }
        }
    }

    /// <summary>Deletes one batch of expired counters after a write; a failure is logged, never passed to the caller whose write succeeded.</summary>
    private void PurgeInline(SqliteSession writer)
    {
        try
        {
            PurgeBatch(writer);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            SqliteQuotaLog.PurgeFailed(_logger, FilePath, ex);
        }
    }

    private int PurgeBatch(SqliteSession writer)
    {
        writer.Begin();
        try
        {
            var deleted = SqliteCounters.PurgeExpired(writer, Now(), _purgeBatchSize);
            writer.Commit();
            if (deleted > 0)
            {
                SqliteQuotaLog.Purged(_logger, FilePath, deleted);
            }

            return deleted;
        }
        catch
        {
            writer.Rollback();
            throw;
        }
    }
}
