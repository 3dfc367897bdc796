namespace Quota;

/// <summary>
/// The one deadline of one store call: the token the store receives, cancelled when the policy's
/// <see cref="QuotaPolicy.StoreTimeout"/> has passed or the caller's token is cancelled, whichever comes first. The
/// store bounds its own I/O by it; the service only reads, afterwards, which of the two happened.
/// </summary>
/// <remarks>
/// The timer runs on the application's <see cref="TimeProvider"/> and is created only once the store returns a call
/// that has not completed yet, so a store that answers synchronously pays for no timer. The deadline is also where the
/// call is measured and traced (<see cref="StoreCallTrace"/>, <see langword="null"/> when nothing listens): from its
/// creation to its disposal.
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

    // The timeout and TimeProvider are Arm's arguments, not fields: one deadline is allocated per pending store call,
    // and the trace's field (null when nothing listens) then costs no byte over a deadline without it.
    private readonly StoreCallTrace? _trace;
    private ITimer? _timer;

    public StoreDeadline(CancellationToken caller, StoreCallTrace? trace = null)
    {
        _trace = trace;
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

    /// <summary>
    /// The call goes on without the frame that started it: starts the clock on <paramref name="time"/> (the token is
    /// cancelled <paramref name="timeout"/> from now) unless the call has <paramref name="completed"/> already, and gives
    /// that frame back its current activity.
    /// </summary>
    public void Arm(bool completed, TimeSpan timeout, TimeProvider time)
    {
        if (!completed)
        {
            _timer = time.CreateTimer(OnDeadline, _source, timeout, Timeout.InfiniteTimeSpan);
        }

        _trace?.Detach();
    }

    /// <summary>Notes that the call threw <paramref name="error"/>, for its measurement and span; call it before <see cref="Dispose"/>.</summary>
    public void Fail(Exception error) => _trace?.Fail(error, Expired);

    /// <summary>Ends the call: records its duration, ends its span, and releases its timer and tokens.</summary>
    public void Dispose()
    {
        _trace?.Stop();
        _timer?.Dispose();
        _caller.Dispose();
        _source.Dispose();
    }
}
