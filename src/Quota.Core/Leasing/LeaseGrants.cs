using System.Collections.Concurrent;
using NodaTime;

namespace Quota;

/// <summary>
/// One leased policy's local grants on a leasing store: a <see cref="LocalLease"/> per counter in use, and the settle
/// tick (on the application's <see cref="TimeProvider"/>) that reports and resizes every block.
/// </summary>
internal sealed partial class LeaseGrants : LocalGrants, IAsyncDisposable
{
    // A block lasts about half a settle interval at the demand just seen: a top-up (asked for at half a block) lands long
    // before the block runs dry, an active subject costs its instance about five store calls a second (four top-ups and
    // a settle) whatever its rate, and a crash costs at most that half interval of the instance's demand.
    private const int BlocksPerInterval = 2;

    // A block takes at most this share of what the store has free, so instances sharing a subject leave one another room
    // and blocks shrink towards one-by-one consumes as the allowance runs out.
    private const int ShareOfFree = 4;

    private static long _instances;

    private readonly ConcurrentDictionary<QuotaCounterKey, LocalLease> _leases = new(CounterKeyComparer.Instance);
    private readonly ConcurrentDictionary<LocalLease, byte> _closing = new();
    private readonly PolicyRuntime _runtime;
    private readonly QuotaTimeSource _time;
    private readonly QuotaMetrics _metrics;
    private readonly StoreCallTelemetry _storeCalls;
    private readonly QuotaAlertDispatcher _alerts;
    private readonly ITimer _settleTimer;
    private readonly string _instance;
    private readonly TimeSpan _horizon;
    private readonly Duration _lifetime;
    private readonly long _maxBlock;
    private long _serial;
    private int _disposed;

    public LeaseGrants(PolicyRuntime runtime, IQuotaLeaseStore store, QuotaTimeSource time, TimeProvider timer, QuotaMetrics metrics, StoreCallTelemetry storeCalls, QuotaAlertDispatcher alerts)
    {
        _storeCalls = storeCalls;
        _runtime = runtime;
        Store = store;
        _time = time;
        Timer = timer;
        _metrics = metrics;
        _alerts = alerts;
        var lease = runtime.Policy.Lease;
        _horizon = lease.SettleInterval / BlocksPerInterval;
        IdleAfter = lease.SettleInterval / 2;
        RateWindow = lease.SettleInterval / 20;
        _lifetime = Duration.FromTimeSpan(lease.Lifetime);
        _maxBlock = lease.MaxBlock ?? long.MaxValue;
        _instance = $"{Environment.ProcessId}-{Interlocked.Increment(ref _instances)}-{Guid.NewGuid():N}";
        _settleTimer = timer.CreateTimer(static state => ((LeaseGrants)state!).SettleAll(), this, lease.SettleInterval, lease.SettleInterval);
    }

    public IQuotaLeaseStore Store { get; }

    /// <summary>
    /// Makes a lease call, measured and traced as a store call (<c>db.operation.name</c> <c>Lease</c>) like the service's
    /// own. It has no deadline: a settle that fails or hangs holds only its own lease, and is retried by the next settle.
    /// </summary>
    public async ValueTask<QuotaLeaseResult> LeaseAsync(QuotaCounterKey counter, string holder, ReadOnlyMemory<QuotaLeaseDelta> deltas, Instant expiresAt)
    {
        var trace = _storeCalls.Start(_runtime.Name, StoreOperation.Lease);
        try
        {
            return await Store.LeaseAsync(counter, holder, deltas, expiresAt, LeaseExpiry(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            trace?.Fail(ex, timedOut: false);
            throw;
        }
        finally
        {
            trace?.Stop();
        }
    }

    public TimeProvider Timer { get; }

    /// <summary>Gets the shortest span a lease measures its demand's rate over (a settle measures whatever span it closes).</summary>
    public TimeSpan RateWindow { get; }

    /// <summary>Gets how long a lease goes without demand before a settle gives its block back and closes it.</summary>
    public TimeSpan IdleAfter { get; }

    /// <summary>Gets the number of open leases (for tests).</summary>
    public int OpenLeases => _leases.Count;

    public override bool TryConsume(CycleBox box, in QuotaCounterKey counter, QuotaMeterDelta[] deltas, CancellationToken cancellationToken, out QuotaStoreResult result)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (box.Counter is { } cached && cached.TryGrant(deltas, out result))
        {
            return true;
        }

        var lease = Open(box, counter);
        box.Counter = lease.Counter;
        return lease.Counter.TryGrant(deltas, out result);
    }

    public override void OnStoreAnswer(CycleBox box, QuotaMeterDelta[] deltas, in QuotaStoreResult result)
    {
        CountAnswer(local: false);
        box.Counter?.Lease?.OnStoreAnswer(deltas, result);
    }

    public override async ValueTask<QuotaCounterSnapshot> ReadAsync(QuotaCounterKey counter, Func<CancellationToken, ValueTask<QuotaCounterSnapshot>> read, CancellationToken cancellationToken)
    {
        // This instance's own lease makes no store call meanwhile, so its reported and unreported units add up.
        var lease = _leases.TryGetValue(counter, out var open) ? open : null;
        if (lease is not null)
        {
            await lease.PauseAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var snapshot = await read(cancellationToken).ConfigureAwait(false);
            if (lease is null || snapshot.Reserved.Count == 0)
            {
                return snapshot;
            }

            // What this instance granted and has not reported yet is spent, not held: the answering instance is exact about itself.
            var reserved = new Dictionary<string, long>(snapshot.Reserved, StringComparer.Ordinal);
            foreach (var (meter, units) in lease.Counter.Unreported())
            {
                if (reserved.TryGetValue(meter, out var held))
                {
                    reserved[meter] = Math.Max(0, held - units);
                }
            }

            return snapshot.WithReserved(reserved);
        }
        finally
        {
            lease?.Resume();
        }
    }

    /// <summary>A grant raised the counter's limits: this instance's block is resized now, the others' at their next settle.</summary>
    public override void OnGranted(in QuotaCounterKey counter)
    {
        if (_leases.TryGetValue(counter, out var lease))
        {
            lease.OnGranted();
        }
    }

    /// <summary>
    /// Sizes a meter's holding: about half a settle interval of the demand just seen, and at least twice the last block
    /// when it ran dry (so a burst is met in a few doublings, not at the pace of a demand measured while consumes waited
    /// on the store); within <see cref="QuotaLeaseOptions.MaxBlock"/> and a quarter of what is free.
    /// </summary>
    /// <remarks>A top-up never shrinks a block (it is asked for because the block runs low); a settle sizes it to the rate alone.</remarks>
    public long Target(LeaseDemand demand, long available, LeaseCall call)
    {
        if (demand.SinceLastCall <= 0 && call != LeaseCall.TopUp)
        {
            return 0;
        }

        var block = (long)Math.Min(long.MaxValue / 4, Math.Ceiling(demand.Rate * _horizon.TotalSeconds));
        block = Math.Max(block, Math.Min(demand.AtLeast, long.MaxValue / 4));
        if (call == LeaseCall.TopUp)
        {
            block = Math.Max(block, Math.Max(demand.Unspent, 2 * Math.Min(demand.SinceLastCall, long.MaxValue / 4)));
        }

        block = Math.Max(block, 1);
        return Math.Min(Math.Min(block, _maxBlock), Math.Max(0, available) / ShareOfFree);
    }

    public Instant LeaseExpiry() => _time.Exact() + _lifetime;

    public void CountAnswer(bool local) => _metrics.LeaseAnswered(_runtime.Name, local);

    public void CountLease(string meter, long reserved, long settled, long reclaimed) => _metrics.LeaseCalled(_runtime.Name, meter, reserved, settled, reclaimed);

    public void CountFailure() => _metrics.LeaseFailed(_runtime.Name);

    /// <summary>Drops a closed lease; one not fully reported stays for the next settle to retry.</summary>
    public void Forget(LocalLease lease, bool fullyReported)
    {
        _leases.TryRemove(new KeyValuePair<QuotaCounterKey, LocalLease>(lease.Key, lease));
        if (fullyReported)
        {
            _closing.TryRemove(lease, out _);
        }
        else
        {
            _closing.TryAdd(lease, 0);
        }
    }

    /// <summary>Gives every block back and reports what was spent: at shutdown.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _settleTimer.DisposeAsync().ConfigureAwait(false);
        var all = _leases.Values.Concat(_closing.Keys).Distinct().ToArray();
        await Task.WhenAll(all.Select(l => l.CloseAsync())).ConfigureAwait(false);
    }

    private LocalLease Open(CycleBox box, QuotaCounterKey counter)
    {
        while (true)
        {
            if (_leases.TryGetValue(counter, out var existing) && !existing.Closed)
            {
                return existing;
            }

            var lease = new LocalLease(this, counter, box, $"{_instance}-{Interlocked.Increment(ref _serial)}");
            if (existing is null ? _leases.TryAdd(counter, lease) : _leases.TryUpdate(counter, lease, existing))
            {
                if (existing is not null)
                {
                    // Closed but perhaps not yet reported: the settle tick retries it until it is.
                    _closing.TryAdd(existing, 0);
                }

                return lease;
            }
        }
    }

    private void SettleAll()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        var now = _time.Exact();
        foreach (var lease in _leases.Values)
        {
            lease.Settle(now);
        }

        foreach (var lease in _closing.Keys)
        {
            lease.Settle(now);
        }
    }
}
