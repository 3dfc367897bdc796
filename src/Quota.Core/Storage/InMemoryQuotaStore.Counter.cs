using System.Runtime.CompilerServices;
using NodaTime;

namespace Quota;

public sealed partial class InMemoryQuotaStore
{
    /// <summary>One counter's meters. Every member is used while holding the counter (<see cref="Enter"/>).</summary>
    internal sealed partial class Counter(string policy)
    {
        private int _held;
        private string[] _meters = new string[2];
        private long[] _values = new long[2];
        private int _count;
        private HashSet<string>? _appliedIds;

        public Instant ExpiresAt { get; private set; } = Instant.MinValue;

        public bool Removed { get; set; }

        /// <summary>
        /// Holds the counter until the returned scope is disposed. Every section held is a few field reads and writes,
        /// so a free counter costs one compare-and-swap (a <see cref="Lock"/> also reads the thread's id, which was
        /// a fifth of a consume); a held one is waited for by spinning, then yielding the processor to its holder.
        /// </summary>
        /// <returns>The scope that releases the counter.</returns>
        public Held Enter()
        {
            if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
            {
                EnterContended();
            }

            return new Held(this);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void EnterContended()
        {
            var spinner = default(SpinWait);
            do
            {
                // No Sleep(1): a holder preempted on a busy machine gets the processor back through yields alone.
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
        }

        private void Exit() => Volatile.Write(ref _held, 0);

        /// <summary>Starts the counter afresh when it had expired, then extends its expiry.</summary>
        /// <remarks>
        /// The clock is read only when the expiry would be extended. Otherwise the counter expires no sooner than the
        /// caller asks for, and a caller asks for an expiry in its future, so the counter has not expired: the hot path
        /// of a counter's cycle reads no clock at all. Should a caller pass an expiry already past, the write lands in a
        /// counter that reads as empty, as an expired counter must.
        /// </remarks>
        public void Renew(IClock clock, Instant expiresAt)
        {
            if (expiresAt <= ExpiresAt)
            {
                return;
            }

            if (ExpiresAt <= clock.GetCurrentInstant())
            {
                _count = 0;
                _appliedIds = null;
                ForgetGrantsAndAlerts();
            }

            ExpiresAt = expiresAt;
        }

        public QuotaStoreResult TryAdd(ReadOnlySpan<QuotaMeterDelta> deltas)
        {
            // One meter and no grant: the common consume, kept free of the grants' lookups.
            if (deltas.Length == 1 && _grantCount == 0)
            {
                var slot = Slot(deltas[0].Meter);
                var used = _values[slot];
                if (!deltas[0].Fits(used))
                {
                    return new QuotaStoreResult(false, 0, new QuotaCounterValues(used));
                }

                _values[slot] = Sum(used, deltas[0]);
                return new QuotaStoreResult(true, -1, new QuotaCounterValues(_values[slot]));
            }

            Span<int> slots = deltas.Length <= 16 ? stackalloc int[deltas.Length] : new int[deltas.Length];
            for (var i = 0; i < deltas.Length; i++)
            {
                slots[i] = Slot(deltas[i].Meter);
            }

            var values = new long[deltas.Length];
            var granted = _grantCount == 0 ? null : GrantsOf(deltas);
            for (var i = 0; i < deltas.Length; i++)
            {
                if (!(granted is null ? deltas[i].Fits(_values[slots[i]]) : deltas[i].Fits(_values[slots[i]], granted[i])))
                {
                    for (var j = 0; j < deltas.Length; j++)
                    {
                        values[j] = _values[slots[j]];
                    }

                    return Result(false, i, values, granted);
                }
            }

            // Every sum before any meter changes: a meter that would pass long.MaxValue throws with the add not applied.
            for (var i = 0; i < deltas.Length; i++)
            {
                values[i] = Sum(_values[slots[i]], deltas[i]);
            }

            for (var i = 0; i < deltas.Length; i++)
            {
                _values[slots[i]] = values[i];
            }

            return Result(true, -1, values, granted);
        }

        private static QuotaStoreResult Result(bool applied, int refusedIndex, long[] values, long[]? granted)
            => granted is null
                ? new QuotaStoreResult(applied, refusedIndex, new QuotaCounterValues(values))
                : new QuotaStoreResult(applied, refusedIndex, new QuotaCounterValues(values), new QuotaCounterValues(granted));

        public QuotaAddResult Add(ReadOnlySpan<QuotaMeterDelta> deltas, string? idempotencyId)
        {
            var applied = idempotencyId is null || _appliedIds is null || !_appliedIds.Contains(idempotencyId);
            Span<int> slots = deltas.Length <= 16 ? stackalloc int[deltas.Length] : new int[deltas.Length];
            Span<long> values = deltas.Length <= 16 ? stackalloc long[deltas.Length] : new long[deltas.Length];
            for (var i = 0; i < deltas.Length; i++)
            {
                slots[i] = Slot(deltas[i].Meter);

                // Before anything changes: a meter that would pass long.MaxValue throws with the add (and its id) not applied.
                values[i] = applied ? Sum(_values[slots[i]], deltas[i]) : _values[slots[i]];
            }

            if (applied)
            {
                for (var i = 0; i < deltas.Length; i++)
                {
                    _values[slots[i]] = values[i];
                }

                if (idempotencyId is not null)
                {
                    (_appliedIds ??= new HashSet<string>(StringComparer.Ordinal)).Add(idempotencyId);
                }
            }

            return _grantCount == 0
                ? new QuotaAddResult(applied, QuotaCounterValues.From(values))
                : new QuotaAddResult(applied, QuotaCounterValues.From(values), new QuotaCounterValues(GrantsOf(deltas)));
        }

        public QuotaCounterValues Subtract(ReadOnlySpan<QuotaMeterDelta> deltas)
        {
            Span<long> values = deltas.Length <= 16 ? stackalloc long[deltas.Length] : new long[deltas.Length];
            for (var i = 0; i < deltas.Length; i++)
            {
                var slot = Slot(deltas[i].Meter);
                _values[slot] = Math.Max(0, _values[slot] - deltas[i].Amount);
                values[i] = _values[slot];
            }

            return QuotaCounterValues.From(values);
        }

        public IReadOnlyDictionary<string, long> Snapshot()
        {
            var meters = new Dictionary<string, long>(_count, StringComparer.Ordinal);
            for (var i = 0; i < _count; i++)
            {
                meters[_meters[i]] = _values[i];
            }

            return meters;
        }

        /// <summary>Returns <paramref name="used"/> plus the delta's amount, or throws when that would pass <see cref="long.MaxValue"/>.</summary>
        private long Sum(long used, in QuotaMeterDelta delta)
            => used <= long.MaxValue - delta.Amount ? used + delta.Amount : throw new QuotaOverflowException(policy, delta.Meter, delta.Amount);

        /// <summary>The scope of <see cref="Enter"/>: disposing it releases the counter.</summary>
        public readonly ref struct Held(Counter counter)
        {
            public void Dispose() => counter.Exit();
        }

        private int Slot(string meter)
        {
            for (var i = 0; i < _count; i++)
            {
                if (string.Equals(_meters[i], meter, StringComparison.Ordinal))
                {
                    return i;
                }
            }

            if (_count == _meters.Length)
            {
                Array.Resize(ref _meters, _count * 2);
                Array.Resize(ref _values, _count * 2);
            }

            _meters[_count] = meter;
            _values[_count] = 0;
            return _count++;
        }
    }
}
