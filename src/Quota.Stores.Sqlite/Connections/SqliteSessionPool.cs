namespace Quota.Stores.Sqlite;

/// <summary>A small pool of read sessions: a caller rents one, uses it alone, and returns it.</summary>
internal sealed class SqliteSessionPool : IDisposable
{
    private readonly Func<SqliteSession> _open;
    private readonly SqliteSession[] _idle;
    private readonly Lock _sync = new();
    private int _count;
    private bool _disposed;

    public SqliteSessionPool(int capacity, Func<SqliteSession> open)
    {
        _idle = new SqliteSession[capacity];
        _open = open;
    }

    /// <summary>Returns an idle session, or opens one when none is idle.</summary>
    public SqliteSession Rent()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_count > 0)
            {
                var session = _idle[--_count];
                _idle[_count] = null!;
                return session;
            }
        }

        return _open();
    }

    /// <summary>Keeps the session for the next caller, or closes it when the pool is full or disposed.</summary>
    public void Return(SqliteSession session)
    {
        lock (_sync)
        {
            if (!_disposed && _count < _idle.Length)
            {
                _idle[_count++] = session;
                return;
            }
        }

        session.Dispose();
    }

    public void Dispose()
    {
        SqliteSession[] idle;
        lock (_sync)
        {
            _disposed = true;
            idle = _idle[.._count];
            Array.Clear(_idle);
            _count = 0;
        }

        foreach (var session in idle)
        {
            session.Dispose();
        }
    }
}
