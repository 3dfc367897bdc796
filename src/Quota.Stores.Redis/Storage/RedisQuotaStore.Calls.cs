using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    /// <summary>Runs a script by its SHA-1, sending it in full once to a server that does not have it cached.</summary>
    private ValueTask<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
        => EvaluateAsync(script, keys, args, _timeout, cancellationToken);

    /// <summary>Runs a script by its SHA-1 within <paramref name="timeout"/>, sending it in full once to a server that does not have it cached.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var database = Database() ?? await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await WaitAsync(database.ScriptEvaluateAsync(script.Hash, keys, args), script.Name, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // The script did not run. EVAL runs it and caches it on that server (after a restart, SCRIPT FLUSH or
            // failover), so later calls go back to EVALSHA. Routed by key like EVALSHA, so it reaches the right node.
            RedisQuotaStoreLog.ScriptReloaded(_logger, script.Name);
            return await WaitAsync(database.ScriptEvaluateAsync(script.Text, keys, args), script.Name, timeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a plain command on the database, bounded like every other call.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> CommandAsync<T>(Func<IDatabase, Task<T>> command, string operation, CancellationToken cancellationToken)
    {
        var database = Database() ?? await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await WaitAsync(command(database), operation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the database when connected, <see langword="null"/> while the first connect is in progress.</summary>
    /// <exception cref="QuotaStoreException">Redis is unreachable: fail now rather than queue behind a dead connection.</exception>
    private IDatabase? Database()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var database = Volatile.Read(ref _database);
        if (database is not null && !_connection!.IsConnected)
        {
            throw new QuotaStoreException($"The Redis quota store is not connected to {string.Join(", ", _connection.GetEndPoints())}; the call failed at once. It reconnects in the background.");
        }

        return database;
    }

    private async ValueTask<IDatabase> ConnectedAsync(CancellationToken cancellationToken)
    {
        var connecting = Volatile.Read(ref _connecting)!;
        if (connecting.IsFaulted)
        {
            // A failed first connect (abortConnect=true in the configuration, or a bad DNS name) is retried by the next call.
            lock (_gate)
            {
                if (ReferenceEquals(_connecting, connecting))
                {
                    _connecting = Task.Run(ConnectAsync);
                }

                connecting = _connecting!;
            }
        }

        await WaitAsync(connecting, "connect", cancellationToken).ConfigureAwait(false);
        return Database() ?? throw new ObjectDisposedException(nameof(RedisQuotaStore));
    }

    private ValueTask<T> WaitAsync<T>(Task<T> task, string operation, CancellationToken cancellationToken)
        => WaitAsync(task, operation, _timeout, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> WaitAsync<T>(Task<T> task, string operation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!task.IsCompleted)
        {
            try
            {
                return await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                Observe(task);
                throw new TimeoutException($"Redis did not answer '{operation}' within the store's OperationTimeout of {_timeout.TotalMilliseconds:0} ms; the call may still be applied.", ex);
            }
            catch (OperationCanceledException)
            {
                Observe(task);
                throw;
            }
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>Observes the late failure of a call no one waits for any more.</summary>
    private static void Observe(Task task)
        => task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
