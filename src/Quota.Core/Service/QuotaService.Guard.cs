using System.Runtime.CompilerServices;

namespace Quota;

internal sealed partial class QuotaService
{
    /// <summary>
    /// Bounds a store call by the policy's <see cref="QuotaPolicy.StoreTimeout"/> and the caller's token, and turns its
    /// failures into <see cref="QuotaStoreException"/> (see <see cref="StoreCallGuard{T}"/>). A call that completed
    /// synchronously (the in-memory store) passes straight through.
    /// </summary>
    private static ValueTask<T> GuardAsync<T>(PolicyRuntime runtime, ValueTask<T> call, CancellationToken cancellationToken)
        => call.IsCompletedSuccessfully ? call : StoreCallGuard<T>.Start(runtime, call, cancellationToken);

    private static ValueTask GuardAsync(PolicyRuntime runtime, ValueTask call, CancellationToken cancellationToken)
        => call.IsCompletedSuccessfully ? call : AwaitAsync(StoreCallGuard<bool>.Start(runtime, AsBoolAsync(call), cancellationToken));

    private static async ValueTask AwaitAsync(ValueTask<bool> call) => await call.ConfigureAwait(false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> AsBoolAsync(ValueTask call)
    {
        await call.ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Whether an exception is the store's trouble (to be met with the failure mode) rather than the caller's: bad
    /// arguments, amounts that would take a meter past <see cref="long.MaxValue"/>, the caller's own cancellation, or
    /// the application's provider functions.
    /// </summary>
    private static bool IsStoreFailure(Exception ex, CancellationToken cancellationToken)
        => ex switch
        {
            QuotaStoreException => true,
            ArgumentException => false,
            OverflowException => false,
            QuotaProviderException => false,
            OperationCanceledException when cancellationToken.IsCancellationRequested => false,
            _ => true,
        };

    private static QuotaStoreException AsStoreException(PolicyRuntime runtime, Exception ex)
        => ex as QuotaStoreException ?? new QuotaStoreException($"The quota store failed for policy '{runtime.Name}': {ex.Message}", ex);
}
