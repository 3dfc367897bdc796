using System.Runtime.CompilerServices;

namespace Quota;

/// <summary>A local counter as a leased block's: how far each meter may grant, and how its usage is reported.</summary>
internal sealed partial class LocalCounter
{
    // Per slot, only on a leased block's counter: the value up to which the block lets this instance grant, the offset
    // that turns the value into reported usage (the store's value less what this instance holds unspent), the holding the
    // store last answered (a top-up is asked for when less than half of it is left), the value last reported to the
    // store, units asked of the store directly since the last report, the meter's limit (-1 when it has none), the
    // demand counted towards the next rate measurement with the last rate measured, and the meter's grants in the cycle
    // as the store last answered (with a one-value array of them for a one-meter grant's result, so it allocates nothing).
    private long[]? _caps;
    private long[]? _offsets;
    private long[]? _holding;
    private long[]? _reported;
    private long[]? _missed;
    private long[]? _limits;
    private long[]? _window;
    private double[]? _rates;
    private long[]? _granted;
    private long[]?[]? _grantedResults;

    /// <summary>Gets the lease whose block this counter grants from, or <see langword="null"/> for the in-memory store's counter.</summary>
    public LocalLease? Lease { get; private set; }

    /// <summary>Gets the number of meters the counter has seen.</summary>
    public int MeterCount => _count;

    /// <summary>Makes this a leased block's counter: nothing may be granted until the store reserves a block.</summary>
    public void AttachLease(LocalLease lease)
    {
        Lease = lease;
        _caps = new long[_meters.Length];
        _offsets = new long[_meters.Length];
        _holding = new long[_meters.Length];
        _reported = new long[_meters.Length];
        _missed = new long[_meters.Length];
        _limits = new long[_meters.Length];
        Array.Fill(_limits, -1);
        _window = new long[_meters.Length];
        _rates = new double[_meters.Length];
        _granted = new long[_meters.Length];
        _grantedResults = new long[]?[_meters.Length];
    }

    /// <summary>
    /// The local grant, for the service's fast and general paths alike: adds the deltas when the counter is live and, on
    /// a leased block, when the block holds every amount. <see langword="false"/> (nothing changed) sends the caller to
    /// the store: the counter was removed (a reset, a sweep, a settled lease), or the block is short.
    /// </summary>
    public bool TryGrant(QuotaMeterDelta[] deltas, out QuotaStoreResult result)
    {
        // The in-memory store's counter: exactly its old path, one gate and one add. (_caps is set before the counter is shared.)
        if (_caps is not null)
        {
            return TryGrantFromBlock(deltas, out result);
        }

        using (Enter())
        {
            if (!Removed)
            {
                result = TryAdd(deltas);
                return true;
            }
        }

        result = default;
        return false;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryGrantFromBlock(QuotaMeterDelta[] deltas, out QuotaStoreResult result)
    {
        bool low;
        using (Enter())
        {
            if (Removed || !TryGrantLeased(deltas, out result, out low))
            {
                result = default;
                return false;
            }
        }

        Lease!.CountLocalAnswer();
        if (low)
        {
            Lease.RequestTopUp();
        }

        return true;
    }

    private bool TryGrantLeased(ReadOnlySpan<QuotaMeterDelta> deltas, out QuotaStoreResult result, out bool low)
    {
        if (deltas.Length == 1 && deltas[0].Limit is { } only)
        {
            // The common leased consume, one limited meter: no spans.
            var delta = deltas[0];
            var slot = Slot(delta.Meter);
            var value = _values[slot];
            _limits![slot] = only;
            if (delta.Amount > _caps![slot] - value || !delta.Fits(value + _offsets![slot], _granted![slot]))
            {
                result = default;
                low = false;
                return false;
            }

            value = _values[slot] = value + delta.Amount;
            low = _caps[slot] - value < _holding![slot] / 2;
            result = new QuotaStoreResult(true, -1, new QuotaCounterValues(value + _offsets[slot]), _grantedResults![slot]);
            return true;
        }

        return TryGrantLeasedMany(deltas, out result, out low);
    }

    private bool TryGrantLeasedMany(ReadOnlySpan<QuotaMeterDelta> deltas, out QuotaStoreResult result, out bool low)
    {
        low = false;
        Span<int> slots = deltas.Length <= 16 ? stackalloc int[deltas.Length] : new int[deltas.Length];
        for (var i = 0; i < deltas.Length; i++)
        {
            var slot = slots[i] = Slot(deltas[i].Meter);
            var value = _values[slot];
            if (deltas[i].Limit is { } limit)
            {
                _limits![slot] = limit;

                // The block must hold the amount; and a meter carried at zero must not be used up as far as this instance knows.
                if (deltas[i].Amount > _caps![slot] - value || !deltas[i].Fits(value + _offsets![slot], _granted![slot]))
                {
                    result = default;
                    return false;
                }
            }
            else
            {
                _limits![slot] = -1;
                _ = Sum(value, deltas[i]);
            }
        }

        Span<long> shown = deltas.Length <= 16 ? stackalloc long[deltas.Length] : new long[deltas.Length];
        long[]? granted = null;
        for (var i = 0; i < deltas.Length; i++)
        {
            var slot = slots[i];
            var value = _values[slot] += deltas[i].Amount;
            shown[i] = value + _offsets![slot];
            low |= deltas[i].Limit is not null && _caps![slot] - value < _holding![slot] / 2;
            if (_granted![slot] > 0)
            {
                (granted ??= new long[deltas.Length])[i] = _granted[slot];
            }
        }

        result = new QuotaStoreResult(true, -1, QuotaCounterValues.From(shown), granted);
        return true;
    }

    /// <summary>Notes a consume the store answered because the block was short: its demand, and the store's values.</summary>
    public void NoteStoreAnswer(ReadOnlySpan<QuotaMeterDelta> deltas, in QuotaStoreResult answer)
    {
        using (Enter())
        {
            if (_caps is null)
            {
                return;
            }

            for (var i = 0; i < deltas.Length; i++)
            {
                var slot = Slot(deltas[i].Meter);
                _missed![slot] += deltas[i].Amount;
                _offsets![slot] = answer.Values[i] - _caps![slot];
                if (answer.HasGranted)
                {
                    SetGranted(slot, answer.Granted[i]);
                }
            }
        }
    }

    /// <summary>
    /// Takes what a lease call reports and asks, under the counter: each meter's spent units since the last report, and
    /// the holding wanted afterwards from <paramref name="target"/>. A meter whose holding shrinks has its cap lowered
    /// now, before the store gives the units back, so nothing is granted from units already given back.
    /// </summary>
    /// <param name="target">Sizes each meter's holding (see <see cref="LeaseTarget"/>).</param>
    /// <param name="windowSeconds">
    /// When given, the demand counted since the last measurement spans this many seconds: each meter's rate is measured
    /// anew from it. Measuring over a window, not per call, keeps a call that follows another closely from reading a
    /// handful of units as the demand.
    /// </param>
    /// <param name="spentAt">Receives each meter's value as reported.</param>
    /// <returns>The deltas of the lease call; empty when the counter has no meter.</returns>
    /// <param name="heldBefore">Receives each meter's holding as the store knows it before the call.</param>
    /// <param name="idle">Receives whether nothing was granted nor asked for since the last call.</param>
    public QuotaLeaseDelta[] TakeReport(LeaseTarget target, double? windowSeconds, out long[] spentAt, out long[] heldBefore, out bool idle)
    {
        using (Enter())
        {
            var deltas = new QuotaLeaseDelta[_count];
            spentAt = new long[_count];
            heldBefore = new long[_count];
            idle = true;
            for (var slot = 0; slot < _count; slot++)
            {
                var value = _values[slot];
                var spent = value - _reported![slot];
                var ranDry = _missed![slot] > 0;
                var demand = spent + _missed[slot];
                idle &= demand == 0;
                _window![slot] += demand;
                if (windowSeconds is { } seconds)
                {
                    _rates![slot] = _window[slot] / seconds;
                    _window[slot] = 0;
                }

                _missed[slot] = 0;
                spentAt[slot] = value;
                long? limit = _limits![slot] < 0 ? null : _limits[slot];
                var held = 0L;
                if (limit is { } l)
                {
                    heldBefore[slot] = _holding![slot];
                    var unspent = Math.Max(0, _caps![slot] - value);
                    var room = QuotaMeterDelta.PlusGranted(l, _granted![slot]) - (value + _offsets![slot]);
                    held = Math.Max(0, target(new LeaseDemand(demand, _rates![slot], ranDry ? 2 * _holding[slot] : 0, unspent), room));
                    if (held < unspent)
                    {
                        _caps[slot] = value + held;
                    }
                }

                deltas[slot] = new QuotaLeaseDelta(_meters[slot], spent, held, limit);
            }

            return deltas;
        }
    }

    /// <summary>Applies a lease call's answer: each meter's value as reported is now the store's, and its cap what the store holds for it.</summary>
    public void ApplyAnswer(long[] spentAt, in QuotaLeaseResult answer)
    {
        using (Enter())
        {
            for (var slot = 0; slot < spentAt.Length; slot++)
            {
                _reported![slot] = spentAt[slot];
                if (_limits![slot] >= 0)
                {
                    var held = answer.Held[slot];
                    _caps![slot] = spentAt[slot] + held;
                    _offsets![slot] = answer.Values[slot] - _caps[slot];
                    _holding![slot] = held;
                    SetGranted(slot, answer.Granted[slot]);
                }
            }
        }
    }

    /// <summary>Notes a meter's grants as the store answered them; they only grow within a cycle.</summary>
    private void SetGranted(int slot, long granted)
    {
        if (granted > _granted![slot])
        {
            _granted[slot] = granted;
            _grantedResults![slot] = [granted];
        }
    }

    /// <summary>Stops every grant from the block: caps fall to what was granted, and the counter reads as removed.</summary>
    public void Close()
    {
        using (Enter())
        {
            Removed = true;
            for (var slot = 0; slot < _count; slot++)
            {
                _caps![slot] = Math.Min(_caps[slot], _values[slot]);
            }
        }
    }

    /// <summary>Returns, per meter, what this instance granted but has not reported yet (for usage read from this instance).</summary>
    public Dictionary<string, long> Unreported()
    {
        using (Enter())
        {
            var unreported = new Dictionary<string, long>(_count, StringComparer.Ordinal);
            for (var slot = 0; slot < _count; slot++)
            {
                if (_reported is not null && _values[slot] > _reported[slot])
                {
                    unreported[_meters[slot]] = _values[slot] - _reported[slot];
                }
            }

            return unreported;
        }
    }
}

/// <summary>Sizes a meter's holding for a lease call.</summary>
/// <param name="demand">The meter's demand (see <see cref="LeaseDemand"/>).</param>
/// <param name="available">The most this instance could hold: the store's free room as last seen, plus its own unspent units.</param>
/// <returns>The holding to ask for.</returns>
internal delegate long LeaseTarget(LeaseDemand demand, long available);

/// <summary>What a meter's block must meet.</summary>
/// <param name="SinceLastCall">Units granted or asked of the store directly since the last call.</param>
/// <param name="Rate">Units a second, measured over the last window.</param>
/// <param name="AtLeast">Twice the last block when it ran dry since the last call (consumes went to the store), else 0.</param>
/// <param name="Unspent">Units the block holds unspent now.</param>
internal readonly record struct LeaseDemand(long SinceLastCall, double Rate, long AtLeast, long Unspent);
