using System.Threading.Tasks.Sources;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>
/// A conditional add on its way to Redis (alone, or queued in a <see cref="RedisConsumeLane"/> for a batch), and the
/// caller's awaitable result. Completes once: with Redis's answer, the call's failure, or the cancellation of the
/// caller's token (its deadline), whichever is first.
/// </summary>
internal sealed class RedisPendingConsume : IValueTaskSource<QuotaStoreResult>
{
    private const int Queued = 0;
    private const int Sent = 1;
    private const int Withdrawn = 2;

    private ManualResetValueTaskSourceCore<QuotaStoreResult> _core;
    private CancellationTokenRegistration _registration;
    private int _state;
    private int _completed;

    public RedisPendingConsume(QuotaCounterKey counter, RedisKey[] keys, QuotaMeterDelta[] deltas, string kinds, long now, long expiresAt)
    {
        Counter = counter;
        Keys = keys;
        Deltas = deltas;
        Kinds = kinds;
        Now = now;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the counter added to.</summary>
    public QuotaCounterKey Counter { get; }

    /// <summary>Gets the counter's keys: <c>[counter hash, idempotency set]</c>, shared, never changed.</summary>
    public RedisKey[] Keys { get; }

    /// <summary>Gets the add's meters, amounts and limits: the store's own copy, not the caller's memory.</summary>
    public QuotaMeterDelta[] Deltas { get; }

    /// <summary>Gets the add's kinds argument (see <see cref="RedisMeterKinds"/>).</summary>
    public string Kinds { get; }

    /// <summary>Gets "now" of the add in unix ms, read from the clock when it was called.</summary>
    public long Now { get; }

    /// <summary>Gets the counter's expiry in unix ms.</summary>
    public long ExpiresAt { get; }

    /// <summary>Gets the caller's result.</summary>
    public ValueTask<QuotaStoreResult> Result => new(this, _core.Version);

    /// <summary>
    /// Fails the caller when its token is cancelled; the add is then never sent unless it was already. Called before
    /// the add is queued, so nothing can complete it meanwhile.
    /// </summary>
    public void Watch(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((RedisPendingConsume)state!).Cancel(token), this);
        }
    }

    /// <summary>Takes the add out of the queue to send it; <see langword="false"/> when its caller has given up.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Sent, Queued) == Queued;

    public void SetResult(QuotaStoreResult result)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _registration.Unregister();
            _core.SetResult(result);
        }
    }

    public void SetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _registration.Unregister();
            _core.SetException(exception);
        }
    }

    QuotaStoreResult IValueTaskSource<QuotaStoreResult>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<QuotaStoreResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<QuotaStoreResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        // Still queued: withdrawn, never sent. Already sent: the caller stops waiting, and the add may still apply.
        Interlocked.CompareExchange(ref _state, Withdrawn, Queued);
        SetException(new OperationCanceledException(token));
    }
}
