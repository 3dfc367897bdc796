using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SQLitePCL;

namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore : IQuotaStoreHealthProbe
{
    private const string FileKey = "file";

    /// <summary>
    /// Checks the file as a write would find it, on connections of its own (never the store's): the schema is read
    /// through a read-only connection (a file of another application, of a newer Quota or a damaged one is reported,
    /// and left untouched), then the write lock is taken and released at once (<c>BEGIN IMMEDIATE</c>; <c>ROLLBACK</c>),
    /// waiting at most half of the probe's time for another process that holds it.
    /// </summary>
    /// <param name="context">The failure status and the probe's time.</param>
    /// <param name="cancellationToken">Cancelled when the probe's time is up.</param>
    /// <returns>
    /// Healthy when a write could start now (or the file does not exist yet and its folder does); the failure status
    /// when the file is locked, unreadable, read-only, not a Quota store, deleted while open, or its folder is gone.
    /// The data names the file, and its size and schema version when it exists.
    /// </returns>
    public ValueTask<HealthCheckResult> ProbeAsync(QuotaStoreHealthContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);

        // SQLite blocks while it waits for a lock: off the caller's thread, so the check's deadline holds.
        return new ValueTask<HealthCheckResult>(Task.Run(() => Probe(context), cancellationToken));
    }

    private HealthCheckResult Probe(QuotaStoreHealthContext context)
    {
        var file = _database.File;
        var data = new Dictionary<string, object> { [FileKey] = file.Path };
        HealthCheckResult Failed(string description, Exception? exception = null) => new(context.FailureStatus, description, exception, data);
        if (_disposed != 0)
        {
            return Failed($"The SQLite quota store on '{file.Path}' has been disposed.");
        }

        if (Directory.Exists(file.Path))
        {
            return Failed($"'{file.Path}' is a folder, so the SQLite quota store cannot open it as its file. Point the connection string at a file.");
        }

        if (!File.Exists(file.Path))
        {
            if (!Directory.Exists(file.Folder))
            {
                return Failed(SqliteStoreErrors.MissingFolder(file));
            }

            return _ready
                ? Failed($"'{file.Path}' was deleted while the SQLite quota store has it open: usage is kept in a file no one can open again, and is lost when the process ends. Restart the application to start a new file, or restore the file.")
                : HealthCheckResult.Healthy($"'{file.Path}' does not exist yet; the SQLite quota store creates it on first use, in a folder that exists.", data);
        }

        data["sizeBytes"] = new FileInfo(file.Path).Length;
        var lockWait = context.Timeout / 2;
        try
        {
            data["schemaVersion"] = ReadSchema(file, lockWait);
            return TakeWriteLock(file, lockWait) is { } locked ? Failed(locked) : HealthCheckResult.Healthy($"'{file.Path}' is readable and its write lock is free.", data);
        }
        catch (QuotaStoreException ex)
        {
            return Failed(ex.Message, ex);
        }
        catch (SqliteException ex)
        {
            return Failed(SqliteStoreErrors.OnOpen(file, ex)?.Message ?? $"The SQLite quota store cannot use '{file.Path}' (SQLite error {ex.SqliteErrorCode}: {ex.Message}).", ex);
        }
    }

    /// <summary>Reads the schema's marks through a read-only connection, refusing a file this store must not touch.</summary>
    private static long ReadSchema(SqliteDataFile file, TimeSpan lockWait)
    {
        using var session = new SqliteSession(new SqliteConnection(file.CheckConnectionString), lockWait);
        session.Connection.Open();
        raw.sqlite3_busy_timeout(session.Connection.Handle, Milliseconds(lockWait));
        return SqliteSchema.Check(session, file);
    }

    /// <summary>Takes the file's write lock and releases it; returns what holds it when it stays taken for <paramref name="lockWait"/>.</summary>
    private string? TakeWriteLock(SqliteDataFile file, TimeSpan lockWait)
    {
        var builder = new SqliteConnectionStringBuilder(file.ConnectionString) { Mode = SqliteOpenMode.ReadWrite };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        if (raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
        {
            return SqliteStoreErrors.ReadOnlyFile(file).Message;
        }

        raw.sqlite3_busy_timeout(connection.Handle, Milliseconds(lockWait));

        // Straight to SQLite: Microsoft.Data.Sqlite would retry a busy statement for whole seconds beyond the wait.
        var code = raw.sqlite3_exec(connection.Handle, "BEGIN IMMEDIATE");
        if (code is raw.SQLITE_BUSY or raw.SQLITE_LOCKED)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"'{file.Path}' is locked: another process has held its write lock for more than {lockWait.TotalMilliseconds:0} ms. Consumes wait for it up to BusyTimeout ({_database.BusyTimeout.TotalSeconds:0.###} s) and then fail; find the process that holds a long write transaction on the file.");
        }

        SqliteException.ThrowExceptionForRC(code, connection.Handle);
        raw.sqlite3_exec(connection.Handle, "ROLLBACK");
        return null;
    }

    private static int Milliseconds(TimeSpan value) => (int)Math.Clamp(value.TotalMilliseconds, 1, int.MaxValue);
}
