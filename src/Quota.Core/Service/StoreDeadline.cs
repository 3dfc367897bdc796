namespace Quota;

/// <summary>
/// The one deadline of one store call: the token the store receives, cancelled when the policy's
/// <see cref="QuotaPolicy.StoreTimeout"/> has passed or the caller's token is cancelled, whichever comes first. The
/// store bounds its own I/O by it; the service only reads, afterwards, which of the two happened.
/// </summary>
/// <remarks>
/// The timer runs on the application's <see cref="TimeProvider"/> and is created only once the store returns a call
/// that has not completed yet, so a store that answers synchronously pays for no timer.
/// </remarks>
internal sealed class StoreDeadline : IDisposable
{
    private static readonly TimerCallback OnDeadline = static state =>
    {
        try
        {
            ((CancellationTokenSource)state!).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call was over (and its deadline disposed) as the timer fired.
        }
    };

    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenRegistration _caller;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private ITimer? _timer;

    public StoreDeadline(TimeSpan timeout, TimeProvider time, CancellationToken caller)
    {
        _timeout = timeout;
        _time = time;
        Caller = caller;
        if (caller.CanBeCanceled)
        {
            _caller = caller.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _source);
        }
    }

    /// <summary>Gets the token the store call receives.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Gets the caller's own token.</summary>
    public CancellationToken Caller { get; }

    /// <summary>Gets a value indicating whether the call ran out of time (rather than the caller cancelling it).</summary>
    public bool Expired => _source.IsCancellationRequested && !Caller.IsCancellationRequested;

    /// <summary>Starts the clock: the token is cancelled one timeout from now. Called once the call is known to be pending.</summary>
    public void Arm() => _timer = _time.CreateTimer(OnDeadline, _source, _timeout, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _timer?.Dispose();
        _caller.Dispose();
        _source.Dispose();
    }
}
