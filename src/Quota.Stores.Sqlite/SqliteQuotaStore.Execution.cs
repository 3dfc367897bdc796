using Microsoft.Data.Sqlite;

namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore
{
    /// <summary>
    /// Runs <paramref name="work"/> on the writer, alone among this process's writers of the file. Completes synchronously
    /// when no other writer of this process is inside; otherwise waits for the gate without blocking a thread, until
    /// <paramref name="cancellationToken"/> (the call's deadline) is cancelled: a call still waiting then is dropped, and
    /// is never applied.
    /// </summary>
    private ValueTask<TResult> WriteAsync<TState, TResult>(TState state, Func<SqliteQuotaStore, SqliteSession, TState, TResult> work, CancellationToken cancellationToken, bool countsAsWrite = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_gate.Semaphore.Wait(0))
        {
            return WriteAfterWaitAsync(state, work, countsAsWrite, cancellationToken);
        }

        try
        {
            return new ValueTask<TResult>(WriteUnderGate(state, work, countsAsWrite));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<TResult>(ex);
        }
    }

    private async ValueTask<TResult> WriteAfterWaitAsync<TState, TResult>(TState state, Func<SqliteQuotaStore, SqliteSession, TState, TResult> work, bool countsAsWrite, CancellationToken cancellationToken)
    {
        await _gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            // The gate came free as the call ran out of time: it has not touched the file, so it is dropped like the rest.
            _gate.Semaphore.Release();
            cancellationToken.ThrowIfCancellationRequested();
        }

        return WriteUnderGate(state, work, countsAsWrite);
    }

    /// <summary>Runs <paramref name="work"/> while the caller holds the gate, and releases the gate.</summary>
    private TResult WriteUnderGate<TState, TResult>(TState state, Func<SqliteQuotaStore, SqliteSession, TState, TResult> work, bool countsAsWrite)
    {
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            var writer = _writer ??= OpenWriter();
            var result = work(this, writer, state);
            if (countsAsWrite && ++_writesSincePurge >= _purgeEveryWrites)
            {
                _writesSincePurge = 0;
                PurgeInline(writer);
            }

            return result;
        }
        catch (SqliteException ex)
        {
            throw SqliteStoreErrors.OnCall(_database.File, ex, _database.BusyTimeout);
        }
        finally
        {
            _gate.Semaphore.Release();
        }
    }

    private SqliteSession OpenWriter()
    {
        var writer = _database.OpenWriter();
        _ready = true;
        return writer;
    }

    /// <summary>Runs <paramref name="work"/> on a pooled read connection; opens (and checks) the file first when no write has yet.</summary>
    private ValueTask<TResult> ReadAsync<TState, TResult>(TState state, Func<SqliteQuotaStore, SqliteSession, TState, TResult> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_ready)
        {
            return ReadWhenReadyAsync(state, work, cancellationToken);
        }

        try
        {
            return new ValueTask<TResult>(ReadNow(state, work));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<TResult>(ex);
        }
    }

    private async ValueTask<TResult> ReadWhenReadyAsync<TState, TResult>(TState state, Func<SqliteQuotaStore, SqliteSession, TState, TResult> work, CancellationToken cancellationToken)
    {
        await WriteAsync(0, static (_, _, _) => 0, cancellationToken, countsAsWrite: false).ConfigureAwait(false);
        return ReadNow(state, work);
    }

    private TResult ReadNow<TState, TResult>(TState state, Func<SqliteQuotaStore, SqliteSession, TState, TResult> work)
    {
        SqliteSession reader;
        try
        {
            reader = _readers.Rent();
        }
        catch (SqliteException ex)
        {
            throw SqliteStoreErrors.OnCall(_database.File, ex, _database.BusyTimeout);
        }

        try
        {
            return work(this, reader, state);
        }
        catch (SqliteException ex)
        {
            throw SqliteStoreErrors.OnCall(_database.File, ex, _database.BusyTimeout);
        }
        finally
        {
            _readers.Return(reader);
        }
    }

    private long Now() => _clock.GetCurrentInstant().ToUnixTimeTicks();
}
