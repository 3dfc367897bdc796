using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace Quota.Stores.Sqlite;

/// <summary>Opens connections to the store's file: the writer (which checks and upgrades the schema first) and readers.</summary>
internal sealed class SqliteDatabase
{
    private readonly string _busyTimeoutPragma;
    private readonly string _synchronousPragma;
    private readonly ILogger _logger;

    public SqliteDatabase(SqliteDataFile file, SqliteQuotaStoreOptions options, ILogger logger)
    {
        File = file;
        BusyTimeout = options.BusyTimeout;
        _busyTimeoutPragma = "PRAGMA busy_timeout = " + ((long)options.BusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        _synchronousPragma = options.Synchronous == SqliteQuotaSynchronousMode.Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
        _logger = logger;
    }

    public SqliteDataFile File { get; }

    public TimeSpan BusyTimeout { get; }

    /// <summary>
    /// Opens the write connection: refuses a read-only, foreign, damaged or newer file before writing anything to it,
    /// then switches the file to WAL and creates or upgrades the schema.
    /// </summary>
    public SqliteSession OpenWriter()
    {
        CheckReadOnly();
        return Open(OpenWriter);
    }

    /// <summary>
    /// Looks at an existing file through a read-only connection first: a connection that may write checkpoints a WAL
    /// database's pending <c>-wal</c> into the main file and deletes it when it closes, so even opening another
    /// application's database for write and closing it again would change it.
    /// </summary>
    private void CheckReadOnly()
    {
        if (!System.IO.File.Exists(File.Path))
        {
            return;
        }

        var session = new SqliteSession(new SqliteConnection(File.CheckConnectionString), BusyTimeout);
        try
        {
            session.Connection.Open();
            session.ExecuteNonQuery(_busyTimeoutPragma);
            SqliteSchema.Check(session, File);
        }
        catch (SqliteException ex) when (SqliteStoreErrors.OnOpen(File, ex) is { } clear)
        {
            throw clear;
        }
        finally
        {
            session.Dispose();
        }
    }

    private void OpenWriter(SqliteSession session)
    {
        SqliteSchema.Check(session, File);
        var mode = Convert.ToString(session.ExecuteScalar("PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture) ?? string.Empty;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            SqliteQuotaLog.NotWal(_logger, File.Path, mode);
        }

        session.ExecuteNonQuery(_synchronousPragma);

        // A statement with RETURNING inside a transaction keeps a statement journal; in memory it is a few small
        // allocations, where SQLite's default (spill to a temp file past 64 KiB) mallocs and frees a 64 KiB buffer per
        // statement, which measured as half the cost of a two-meter consume.
        session.ExecuteNonQuery("PRAGMA temp_store = MEMORY");
        if (SqliteSchema.Upgrade(session, File) is { } from)
        {
            if (from == 0)
            {
                SqliteQuotaLog.SchemaCreated(_logger, File.Path, SqliteSchema.CurrentVersion);
            }
            else
            {
                SqliteQuotaLog.SchemaUpgraded(_logger, File.Path, from, SqliteSchema.CurrentVersion);
            }
        }
    }

    /// <summary>Opens a read connection (<c>query_only</c>, so it can never write). Call after the writer has checked the file.</summary>
    public SqliteSession OpenReader() => Open(session => session.ExecuteNonQuery("PRAGMA query_only = ON"));

    private SqliteSession Open(Action<SqliteSession> prepare)
    {
        if (!Directory.Exists(File.Folder))
        {
            throw new QuotaStoreException(SqliteStoreErrors.MissingFolder(File));
        }

        var session = new SqliteSession(new SqliteConnection(File.ConnectionString), BusyTimeout);
        try
        {
            session.Connection.Open();
            if (raw.sqlite3_db_readonly(session.Connection.Handle, "main") == 1)
            {
                throw SqliteStoreErrors.ReadOnlyFile(File);
            }

            session.ExecuteNonQuery(_busyTimeoutPragma);
            prepare(session);
            return session;
        }
        catch (SqliteException ex) when (SqliteStoreErrors.OnOpen(File, ex) is { } clear)
        {
            session.Dispose();
            throw clear;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }
}
