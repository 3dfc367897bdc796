using Microsoft.Data.Sqlite;

namespace Quota.Stores.Sqlite;

/// <summary>A statement prepared once on one connection and reused by every call; values are always bound as parameters.</summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public SqliteStatement(SqliteConnection connection, SqlText text, int commandTimeoutSeconds)
    {
        _command = connection.CreateCommand();
        _command.CommandText = text.Sql;
        _command.CommandTimeout = commandTimeoutSeconds;
        _parameters = new SqliteParameter[text.Parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            _parameters[i] = _command.Parameters.Add(new SqliteParameter(text.Parameters[i], null));
        }

        _command.Prepare();
    }

    /// <summary>Binds a policy, subject key, meter name or idempotency id (see <see cref="SqliteText"/>).</summary>
    public SqliteStatement Bind(int index, string value)
    {
        _parameters[index].Value = SqliteText.ToValue(value);
        return this;
    }

    /// <summary>Binds a number, keeping the boxed value of the previous call when it is the same (a policy's limits, the cycle start, amounts).</summary>
    public SqliteStatement Bind(int index, long value)
    {
        if (_parameters[index].Value is not long previous || previous != value)
        {
            _parameters[index].Value = value;
        }

        return this;
    }

    /// <summary>Binds a counter key to the first three parameters (<c>$policy</c>, <c>$subject</c>, <c>$cycle</c>).</summary>
    public SqliteStatement BindCounter(in QuotaCounterKey counter)
    {
        return Bind(0, counter.Policy).Bind(1, counter.Key).Bind(2, counter.CycleStart.ToUnixTimeTicks());
    }

    /// <summary>Runs the statement and returns the number of rows it changed.</summary>
    public int Execute() => _command.ExecuteNonQuery();

    /// <summary>Runs the statement and reads the first column of its first row, if it returns one.</summary>
    public bool TryReadInt64(out long value)
    {
        using var reader = _command.ExecuteReader();
        if (reader.Read())
        {
            value = reader.GetInt64(0);
            return true;
        }

        value = 0;
        return false;
    }

    /// <summary>Runs the statement and reads the first two columns of its first row, if it returns one.</summary>
    public bool TryReadInt64Pair(out long first, out long second)
    {
        using var reader = _command.ExecuteReader();
        if (reader.Read())
        {
            first = reader.GetInt64(0);
            second = reader.GetInt64(1);
            return true;
        }

        first = second = 0;
        return false;
    }

    /// <summary>Runs the statement and returns its rows.</summary>
    public SqliteDataReader Query() => _command.ExecuteReader();

    public void Dispose() => _command.Dispose();
}
