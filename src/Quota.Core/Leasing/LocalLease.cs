namespace Quota;

/// <summary>What a lease call is for.</summary>
internal enum LeaseCall
{
    /// <summary>The block ran low or short: report, and ask for a block sized to demand.</summary>
    TopUp,

    /// <summary>The settle tick: report, and resize the block to demand (giving it all back when idle).</summary>
    Settle,

    /// <summary>Give the whole block back and report (cycle end, idle, shutdown).</summary>
    Close,
}

/// <summary>
/// This instance's lease on one counter: the <see cref="LocalCounter"/> it grants from, and the store calls that keep
/// its block sized (a top-up when the block runs low, a settle every interval, a give-back when idle, at cycle end and
/// at shutdown). At most one store call is in flight per lease, so the counter and the store never disagree by more
/// than that call.
/// </summary>
/// <remarks>
/// Safety rests on one rule: the counter never lets this instance grant past what the store has counted for it. A
/// holding grows locally only when the store's answer says it grew, and shrinks locally before the store is told. A call
/// that failed or whose answer was lost leaves the store holding at least as much as this instance may still grant, so
/// a repeat can only under-grant.
/// </remarks>
internal sealed class LocalLease
{
    private readonly LeaseGrants _owner;
    private int _busy;
    private int _again;
    private long _lastCall;
    private long _windowStart;
    private volatile bool _closed;
    private volatile bool _storeFull;

    public LocalLease(LeaseGrants owner, QuotaCounterKey key, CycleBox box, string holder)
    {
        _owner = owner;
        Key = key;
        Box = box;
        Holder = holder;
        Counter = new LocalCounter(key.Policy);
        Counter.AttachLease(this);
        _lastCall = _windowStart = owner.Timer.GetTimestamp();
    }

    public QuotaCounterKey Key { get; }

    public CycleBox Box { get; }

    /// <summary>Gets the holder's name in the store: this instance's and this lease's own, so no two leases share a holding.</summary>
    public string Holder { get; }

    public LocalCounter Counter { get; }

    /// <summary>Gets a value indicating whether the lease grants no more (given back, or being given back).</summary>
    public bool Closed => _closed;

    public void CountLocalAnswer() => _owner.CountAnswer(local: true);

    /// <summary>Notes a consume the store answered because the block was short, and asks for a block.</summary>
    public void OnStoreAnswer(ReadOnlySpan<QuotaMeterDelta> deltas, in QuotaStoreResult result)
    {
        Counter.NoteStoreAnswer(deltas, result);
        RequestTopUp();
    }

    /// <summary>Asks the store for a bigger block, in the background; at most one call runs at a time.</summary>
    public void RequestTopUp()
    {
        // A store that had no room last time is asked again at the next settle, not on every consume.
        if (!_closed && !_storeFull)
        {
            Start(LeaseCall.TopUp);
        }
    }

    /// <summary>A grant raised the counter's limits: asks for a block at once, even when the store had no room last time.</summary>
    public void OnGranted()
    {
        _storeFull = false;
        RequestTopUp();
    }

    /// <summary>The settle tick: reports and resizes the block, or gives it back when idle or when its cycle has ended.</summary>
    public void Settle(NodaTime.Instant now)
    {
        _storeFull = false;
        Start(_closed || now >= Box.Cycle.End ? LeaseCall.Close : LeaseCall.Settle);
    }

    /// <summary>Waits until no store call of this lease runs, and keeps any from starting until <see cref="Resume"/>.</summary>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        while (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lets store calls run again, starting a top-up asked for meanwhile.</summary>
    public void Resume()
    {
        Volatile.Write(ref _busy, 0);
        if (!_closed && Interlocked.Exchange(ref _again, 0) == 1)
        {
            Start(LeaseCall.TopUp);
        }
    }

    /// <summary>Gives the block back and reports what was spent (shutdown).</summary>
    public async Task CloseAsync()
    {
        await PauseAsync().ConfigureAwait(false);

        try
        {
            await CallAsync(LeaseCall.Close).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Start(LeaseCall call)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            // A settle or give-back that finds a call running waits for the next tick; a top-up follows the running call.
            Volatile.Write(ref _again, 1);
            return;
        }

        _ = RunAsync(call);
    }

    private async Task RunAsync(LeaseCall call)
    {
        await Task.Yield();
        try
        {
            var closed = await CallAsync(call).ConfigureAwait(false);
            while (!closed && Interlocked.Exchange(ref _again, 0) == 1)
            {
                closed = await CallAsync(LeaseCall.TopUp).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }

        // A top-up asked for while the last call finished.
        if (!_closed && Volatile.Read(ref _again) == 1 && !_storeFull)
        {
            Volatile.Write(ref _again, 0);
            Start(LeaseCall.TopUp);
        }
    }

    /// <summary>One store call. Returns whether the lease is closed and fully reported.</summary>
    private async Task<bool> CallAsync(LeaseCall call)
    {
        if (call == LeaseCall.Close && !_closed)
        {
            _closed = true;
            Counter.Close();
        }

        var now = _owner.Timer.GetTimestamp();
        var elapsed = _owner.Timer.GetElapsedTime(_lastCall, now);
        var window = _owner.Timer.GetElapsedTime(_windowStart, now);
        double? windowSeconds = null;
        if (window >= _owner.RateWindow || call != LeaseCall.TopUp)
        {
            windowSeconds = Math.Max(window.TotalSeconds, 0.001);
            _windowStart = now;
        }

        var deltas = Counter.TakeReport(_closed ? static (_, _) => 0 : (demand, available) => _owner.Target(demand, available, call), windowSeconds, out var spentAt, out var heldBefore, out var idle);
        if (deltas.Length == 0)
        {
            _owner.Forget(this, fullyReported: _closed);
            return _closed;
        }

        QuotaLeaseResult answer;
        try
        {
            answer = await _owner.LeaseAsync(Key, Holder, deltas, Box.ExpiresAt).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing is taken as reported: the next call reports it again, which can only under-grant (see the remarks).
            _owner.CountFailure();
            return false;
        }

        _lastCall = now;
        Counter.ApplyAnswer(spentAt, answer);
        _owner.WatchThresholds(Box, Key, deltas, answer);
        var full = false;
        for (var i = 0; i < deltas.Length; i++)
        {
            var delta = deltas[i];
            var left = heldBefore[i] - Math.Min(delta.Spent, heldBefore[i]);
            var held = answer.Held[i];
            _owner.CountLease(delta.Meter, reserved: Math.Max(0, held - left), settled: delta.Spent, reclaimed: Math.Max(0, left - held));
            full |= delta.Limit is not null && held < delta.Held;
        }

        _storeFull = full;
        if (!_closed && idle && call == LeaseCall.Settle && elapsed >= _owner.IdleAfter)
        {
            // Idle since the last call: the block went back with this call, so the lease closes, unless a grant slipped in
            // meanwhile (a meter without a limit needs no block), which one more call reports.
            _closed = true;
            Counter.Close();
            if (Counter.Unreported().Count != 0)
            {
                return await CallAsync(LeaseCall.Close).ConfigureAwait(false);
            }
        }

        if (_closed)
        {
            var fully = Counter.Unreported().Count == 0;
            _owner.Forget(this, fully);
            return fully;
        }

        return false;
    }
}
