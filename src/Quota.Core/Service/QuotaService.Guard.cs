using System.Globalization;
using System.Runtime.CompilerServices;

namespace Quota;

internal sealed partial class QuotaService
{
    /// <summary>
    /// Starts the one deadline of a store call: the token the store receives (see <see cref="StoreDeadline"/>), and the
    /// call's measurement and span (named by <paramref name="operation"/>, a <see cref="StoreOperation"/>) when anyone
    /// listens. Arm it with <see cref="StoreDeadline.Arm"/> when the call goes on asynchronously, and dispose it when the
    /// call is over.
    /// </summary>
    private StoreDeadline StartDeadline(PolicyRuntime runtime, string operation, CancellationToken cancellationToken)
        => new(cancellationToken, _storeCalls.Start(runtime.Name, operation));

    /// <summary>
    /// Runs a store call under its deadline: the store receives the deadline's token and bounds its own I/O by it; the
    /// service does not wait on its own, it only maps the outcome (see <see cref="AsStoreFailure"/>). The call is measured
    /// and traced under <paramref name="operation"/>, a <see cref="StoreOperation"/> name.
    /// </summary>
    /// <exception cref="QuotaStoreException">The store failed, or the call ran out of time.</exception>
    private ValueTask<T> StoreAsync<T>(PolicyRuntime runtime, string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        var deadline = StartDeadline(runtime, operation, cancellationToken);
        ValueTask<T> pending;
        try
        {
            pending = call(deadline.Token);
            if (pending.IsCompletedSuccessfully)
            {
                var result = pending.Result;
                deadline.Dispose();
                return new ValueTask<T>(result);
            }
        }
        catch (Exception ex)
        {
            deadline.Fail(ex);
            var failure = AsStoreFailure(runtime, ex, cancellationToken, deadline.Expired);
            deadline.Dispose();
            if (failure is null)
            {
                throw;
            }

            return ValueTask.FromException<T>(failure);
        }

        deadline.Arm(pending.IsCompleted, runtime.Policy.StoreTimeout, _timeProvider);
        return AwaitStoreAsync(runtime, pending, deadline);
    }

    private async ValueTask StoreAsync(PolicyRuntime runtime, string operation, Func<CancellationToken, ValueTask> call, CancellationToken cancellationToken)
        => await StoreAsync(runtime, operation, async token =>
        {
            await call(token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<T> AwaitStoreAsync<T>(PolicyRuntime runtime, ValueTask<T> pending, StoreDeadline deadline)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            deadline.Fail(ex);
            if (AsStoreFailure(runtime, ex, deadline.Caller, deadline.Expired) is { } failure)
            {
                throw failure;
            }

            throw;
        }
        finally
        {
            deadline.Dispose();
        }
    }

    /// <summary>
    /// The one place that decides what a failure of a store call is. The caller's own trouble — bad arguments, amounts
    /// that would take a meter past <see cref="long.MaxValue"/>, its own cancellation, the application's provider
    /// functions — gives <see langword="null"/>: rethrow it as is. Anything
    /// else is the store's: a <see cref="QuotaStoreException"/>, which a consume meets with the policy's failure mode.
    /// A cancellation the caller did not ask for, once the call's deadline has passed, is the call running out of time.
    /// </summary>
    private static QuotaStoreException? AsStoreFailure(PolicyRuntime runtime, Exception ex, CancellationToken cancellationToken, bool expired = false)
        => ex switch
        {
            QuotaStoreException failure => failure,
            ArgumentException or OverflowException or QuotaProviderException => null,
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            OperationCanceledException when expired => TimedOut(runtime, ex),
            _ => new QuotaStoreException($"The quota store failed for policy '{runtime.Name}': {ex.Message}", ex),
        };

    private static QuotaStoreException TimedOut(PolicyRuntime runtime, Exception cancellation)
    {
        var milliseconds = runtime.Policy.StoreTimeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
        return new QuotaStoreException(
            $"The quota store did not answer within {milliseconds} ms for policy '{runtime.Name}'; the store stopped waiting for it (see StoreTimeout for what may still have been applied).",
            new TimeoutException($"The store call took longer than the policy's StoreTimeout of {milliseconds} ms.", cancellation));
    }
}
