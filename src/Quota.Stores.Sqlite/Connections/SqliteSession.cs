using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Quota.Stores.Sqlite;

/// <summary>
/// One open connection and its prepared statements. A session is used by one caller at a time: the writer under the
/// store's write gate, a reader while rented from the pool.
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly SqliteStatement?[] _statements = new SqliteStatement?[SqliteSql.Count];
    private readonly int _commandTimeoutSeconds;

    public SqliteSession(SqliteConnection connection, TimeSpan busyTimeout)
    {
        Connection = connection;

        // Microsoft.Data.Sqlite retries a busy statement until its command timeout; align it with the busy timeout.
        _commandTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds));
    }

    public SqliteConnection Connection { get; }

    /// <summary>Gets a value indicating whether a transaction is open on the connection.</summary>
    public bool InTransaction => raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    /// <summary>Gets the statement, preparing it on first use.</summary>
    public SqliteStatement this[SqlText text] => _statements[text.Id] ??= new SqliteStatement(Connection, text, _commandTimeoutSeconds);

    /// <summary>Opens a write transaction, taking the file's write lock at once so that no read-then-write race exists.</summary>
    public void Begin() => this[SqliteSql.Begin].Execute();

    /// <summary>Opens a read transaction: the reads that follow, until <see cref="Commit"/>, see one snapshot of the file.</summary>
    public void BeginRead() => this[SqliteSql.BeginRead].Execute();

    public void Commit() => this[SqliteSql.Commit].Execute();

    /// <summary>Rolls back the open transaction, if any (SQLite may already have rolled it back after an error).</summary>
    public void Rollback()
    {
        if (InTransaction)
        {
            this[SqliteSql.Rollback].Execute();
        }
    }

    /// <summary>Runs a statement that is not worth preparing (set-up, pragmas) and returns its first value.</summary>
    public object? ExecuteScalar(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = _commandTimeoutSeconds;
        return command.ExecuteScalar();
    }

    /// <summary>Runs a query that is not worth preparing and returns the numbers of its first row (one read transaction).</summary>
    public long[] ReadInt64Row(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = _commandTimeoutSeconds;
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"'{sql}' returned no row.");
        }

        var row = new long[reader.FieldCount];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = reader.GetInt64(i);
        }

        return row;
    }

    /// <summary>Runs statements that are not worth preparing (set-up, schema steps).</summary>
    public void ExecuteNonQuery(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = _commandTimeoutSeconds;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var statement in _statements)
        {
            statement?.Dispose();
        }

        Connection.Dispose();
    }
}
