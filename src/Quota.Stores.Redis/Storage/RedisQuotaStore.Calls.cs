using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    /// <summary>
    /// Runs a script by its SHA-1 (<c>EVALSHA</c>); a server that does not have it cached (first use, restart,
    /// <c>SCRIPT FLUSH</c>, failover) answers <c>NOSCRIPT</c>, and the script then goes through StackExchange.Redis's
    /// own script cache, which loads it there.
    /// </summary>
    /// <remarks>
    /// Not the library's cache on every call: it finds a script by hashing its whole text, which costs more per call
    /// than the rest of Quota's work on a consume (measured in <c>benchmarks/README.md</c>).
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RedisResult> EvaluateAsync(RedisScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        var database = Database() ?? await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await WaitAsync(database.ScriptEvaluateAsync(script.Hash, keys, args), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // The script did not run. Routed by key like EVALSHA, so it reaches (and loads the script on) the right node.
            RedisQuotaStoreLog.ScriptReloaded(_logger, script.Name);
            return await WaitAsync(database.ScriptEvaluateAsync(script.Text, keys, args), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a plain command on the database, bounded by the call's token like every other call.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<T> CommandAsync<T>(Func<IDatabase, Task<T>> command, CancellationToken cancellationToken)
    {
        var database = Database() ?? await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await WaitAsync(command(database), cancellationToken).ConfigureAwait(false);
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

        await WaitAsync(connecting, cancellationToken).ConfigureAwait(false);
        return Database() ?? throw new ObjectDisposedException(nameof(RedisQuotaStore));
    }

    /// <summary>
    /// Waits for a command until its token is cancelled (through <c>IQuotaService</c>, at the policy's StoreTimeout).
    /// A command already written cannot be recalled: Redis may still apply it.
    /// </summary>
    private static ValueTask<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken)
        => task.IsCompleted || !cancellationToken.CanBeCanceled ? new ValueTask<T>(task) : WaitOrCancelAsync(task, cancellationToken);

    // Only a call that can be cancelled and has not completed yet pays for a frame of its own (a batch's call cannot be).
    private static async ValueTask<T> WaitOrCancelAsync<T>(Task<T> task, CancellationToken cancellationToken)
    {
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Observe(task);
            throw;
        }
    }

    /// <summary>Observes the late failure of a call no one waits for any more.</summary>
    private static void Observe(Task task)
        => task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
