using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Quota;

/// <summary>
/// A store call bounded by its policy's <see cref="QuotaPolicy.StoreTimeout"/> and by the caller's token, with the
/// store's failures turned into <see cref="QuotaStoreException"/>: the caller's result completes with whichever comes
/// first. Pooled: an asynchronous store (Redis) goes through here on every call, and a timer plus a task per call
/// cost more than the rest of Quota.Core's work.
/// </summary>
/// <remarks>
/// A guard is reused only after both the caller has read its result and the store call has completed, and only when
/// the call answered first (a timed-out or cancelled call's guard is left to the garbage collector), so no late
/// callback can reach a guard that serves another call.
/// </remarks>
/// <typeparam name="T">The store call's result.</typeparam>
internal sealed class StoreCallGuard<T> : IValueTaskSource<T>
{
    private const int MaxPooled = 256;

    private static readonly ConcurrentQueue<StoreCallGuard<T>> Pool = new();
    private static readonly Action<object?> OnDeadline = static state => ((StoreCallGuard<T>)state!).TimedOut();
    private static readonly Action<object?, CancellationToken> OnCancellation = static (state, token) => ((StoreCallGuard<T>)state!).Cancelled(token);
    private static int s_pooled;

    [ThreadStatic]
    private static StoreCallGuard<T>? t_cached;

    private readonly Action _onCallCompleted;
    private ManualResetValueTaskSourceCore<T> _core;
    private ValueTask<T> _call;
    private PolicyRuntime? _runtime;
    private CancellationToken _cancellationToken;
    private CancellationTokenRegistration _deadline;
    private CancellationTokenRegistration _cancellation;
    private int _answered;
    private int _read;
    private int _holds;
    private bool _reusable;

    private StoreCallGuard() => _onCallCompleted = OnCallCompleted;

    /// <summary>Waits for <paramref name="call"/> within the policy's timeout and the caller's token.</summary>
    public static ValueTask<T> Start(PolicyRuntime runtime, ValueTask<T> call, CancellationToken cancellationToken)
    {
        if (call.IsCompleted)
        {
            // Failed at once (or answered at once): no waiting, so nothing to bound, and no hop to another thread.
            try
            {
                return new ValueTask<T>(call.Result);
            }
            catch (Exception ex)
            {
                return ValueTask.FromException<T>(AsCallersException(runtime, ex, cancellationToken));
            }
        }

        var guard = Rent();
        guard._runtime = runtime;
        guard._cancellationToken = cancellationToken;
        guard._call = call;
        guard._answered = 0;
        guard._read = 0;
        guard._holds = 2;
        guard._reusable = true;
        guard._core.RunContinuationsAsynchronously = false;
        var version = guard._core.Version;

        // Both registrations before the call's continuation: once that is attached the guard may be answered (and
        // its registrations removed) at any moment. A token cancelled already answers the guard here and now.
        guard._deadline = runtime.Deadlines.Current().UnsafeRegister(OnDeadline, guard);
        if (cancellationToken.CanBeCanceled)
        {
            guard._cancellation = cancellationToken.UnsafeRegister(OnCancellation, guard);
        }

        call.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(guard._onCallCompleted);
        return new ValueTask<T>(guard, version);
    }

    T IValueTaskSource<T>.GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            if (token == _core.Version && Interlocked.Exchange(ref _read, 1) == 0)
            {
                Release();
            }
        }
    }

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    private static StoreCallGuard<T> Rent()
    {
        var guard = t_cached;
        if (guard is not null)
        {
            t_cached = null;
            return guard;
        }

        if (Pool.TryDequeue(out guard))
        {
            Interlocked.Decrement(ref s_pooled);
            return guard;
        }

        return new StoreCallGuard<T>();
    }

    private void OnCallCompleted()
    {
        T result = default!;
        Exception? failure = null;
        try
        {
            result = _call.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            // Read even when the caller has gone (timed out or cancelled): a late failure is observed here.
            failure = ex;
        }

        _call = default;
        if (Interlocked.Exchange(ref _answered, 1) == 0)
        {
            // A registration that cannot be removed has run or is running: keep this guard out of the pool.
            if (!_deadline.Unregister() || (_cancellationToken.CanBeCanceled && !_cancellation.Unregister()))
            {
                _reusable = false;
            }

            if (failure is null)
            {
                _core.SetResult(result);
            }
            else
            {
                _core.SetException(AsCallersException(_runtime!, failure, _cancellationToken));
            }
        }

        Release();
    }

    private static Exception AsCallersException(PolicyRuntime runtime, Exception failure, CancellationToken cancellationToken)
        => failure switch
        {
            QuotaStoreException or ArgumentException or OverflowException => failure,
            OperationCanceledException when cancellationToken.IsCancellationRequested => failure,
            _ => new QuotaStoreException($"The quota store failed for policy '{runtime.Name}': {failure.Message}", failure),
        };

    private void TimedOut()
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return;
        }

        _reusable = false;
        _cancellation.Unregister();

        // The timer's thread should not run the caller's code; the store call may still complete (and apply) later.
        var timeout = _runtime!.Deadlines.Timeout;
        _core.RunContinuationsAsynchronously = true;
        _core.SetException(new QuotaStoreException(
            $"The quota store did not answer within {timeout.TotalMilliseconds:0} ms for policy '{_runtime.Name}'.",
            new TimeoutException($"The store call took longer than the policy's StoreTimeout of {timeout.TotalMilliseconds:0} ms.")));
    }

    private void Cancelled(CancellationToken token)
    {
        if (Interlocked.Exchange(ref _answered, 1) != 0)
        {
            return;
        }

        _reusable = false;
        _deadline.Unregister();
        _core.SetException(new OperationCanceledException(token));
    }

    /// <summary>Drops one of the two holds (the caller's read, the store call's completion); the last one pools the guard.</summary>
    private void Release()
    {
        if (Interlocked.Decrement(ref _holds) != 0 || !_reusable)
        {
            return;
        }

        _core.Reset();
        _runtime = null;
        _cancellationToken = default;
        _deadline = default;
        _cancellation = default;
        if (t_cached is null)
        {
            t_cached = this;
        }
        else if (Interlocked.Increment(ref s_pooled) <= MaxPooled)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref s_pooled);
        }
    }
}
