using System.Runtime.CompilerServices;

namespace Quota;

internal sealed partial class QuotaService
{
    /// <summary>
    /// Bounds a store call by the policy's <see cref="QuotaPolicy.StoreTimeout"/> and turns its failures into
    /// <see cref="QuotaStoreException"/>. A call that completed synchronously (the in-memory store) passes straight through.
    /// </summary>
    private static ValueTask<T> GuardAsync<T>(PolicyRuntime runtime, ValueTask<T> call, CancellationToken cancellationToken)
    {
        if (call.IsCompletedSuccessfully)
        {
            return call;
        }

        return AwaitGuardedAsync(runtime, call.AsTask(), cancellationToken);
    }

    private static async ValueTask GuardAsync(PolicyRuntime runtime, ValueTask call, CancellationToken cancellationToken)
    {
        if (call.IsCompletedSuccessfully)
        {
            return;
        }

        await AwaitGuardedAsync(runtime, AsBoolTask(call), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> AsBoolTask(ValueTask call)
    {
        await call.ConfigureAwait(false);
        return true;
    }

    // Pooled: a store that answers asynchronously (Redis) goes through here on every call.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<T> AwaitGuardedAsync<T>(PolicyRuntime runtime, Task<T> task, CancellationToken cancellationToken)
    {
        var timeout = runtime.Policy.StoreTimeout;
        try
        {
            return await task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            // The store call may still complete later; observe its failure so it is not reported as unobserved.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw new QuotaStoreException($"The quota store did not answer within {timeout.TotalMilliseconds:0} ms for policy '{runtime.Name}'.", ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not QuotaStoreException and not ArgumentException)
        {
            throw new QuotaStoreException($"The quota store failed for policy '{runtime.Name}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Whether an exception is the store's trouble (to be met with the failure mode) rather than the caller's: bad
    /// arguments, the caller's own cancellation, or the application's provider functions.
    /// </summary>
    private static bool IsStoreFailure(Exception ex, CancellationToken cancellationToken)
        => ex switch
        {
            QuotaStoreException => true,
            ArgumentException => false,
            QuotaProviderException => false,
            OperationCanceledException when cancellationToken.IsCancellationRequested => false,
            _ => true,
        };

    private static QuotaStoreException AsStoreException(PolicyRuntime runtime, Exception ex)
        => ex as QuotaStoreException ?? new QuotaStoreException($"The quota store failed for policy '{runtime.Name}': {ex.Message}", ex);
}
