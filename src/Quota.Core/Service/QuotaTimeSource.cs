using System.Runtime.CompilerServices;
using NodaTime;

namespace Quota;

/// <summary>
/// The service's reading of the application's <see cref="IClock"/>. With NodaTime's <see cref="SystemClock"/> and a
/// positive <see cref="QuotaOptions.ClockReadInterval"/>, the wall clock is read at most once per interval and the time
/// in between is extrapolated from the monotonic tick count (<see cref="Environment.TickCount64"/>, a few nanoseconds
/// instead of the 25–50 a wall-clock read costs). Any other clock — a test's fake clock, the app's own — is read on
/// every call, because how it moves is unknown.
/// </summary>
/// <remarks>
/// An extrapolated reading is off by at most the tick count's resolution (1–16 ms depending on the OS) plus any step the
/// wall clock took since it was last read (an NTP step, an administrator), so it is only ever used away from cycle edges:
/// a cached cycle accepts it only when it lies more than <see cref="EdgeMargin"/> inside the cycle, and otherwise the
/// service reads the wall clock exactly. A reset therefore happens at the exact instant the wall clock reaches it; what
/// extrapolation can shift by those few milliseconds is <see cref="QuotaDecision.TimeUntilReset"/> far from the reset.
/// </remarks>
internal sealed class QuotaTimeSource
{
    /// <summary>How far inside a cycle an extrapolated reading must lie to be trusted; larger than any tick resolution.</summary>
    public static readonly Duration EdgeMargin = Duration.FromMilliseconds(250);

    private readonly IClock _clock;
    private readonly long _intervalMilliseconds;
    private Sample? _sample;

    public QuotaTimeSource(IClock clock, TimeSpan readInterval)
    {
        _clock = clock;

        // Only the system clock is known to advance with the monotonic tick count.
        _intervalMilliseconds = clock is SystemClock ? (long)readInterval.TotalMilliseconds : 0;
    }

    /// <summary>
    /// Extrapolates the current time, in ticks since the Unix epoch, from a wall-clock reading taken less than the read
    /// interval ago. Fails (and the caller reads <see cref="Exact"/>) when there is none.
    /// </summary>
    /// <param name="unixTicks">The extrapolated time.</param>
    public bool TryEstimate(out long unixTicks)
    {
        if (_intervalMilliseconds > 0 && Volatile.Read(ref _sample) is { } sample)
        {
            var elapsed = Environment.TickCount64 - sample.Tick;
            if ((ulong)elapsed < (ulong)_intervalMilliseconds)
            {
                unixTicks = sample.UnixTicks + (elapsed * TimeSpan.TicksPerMillisecond);
                return true;
            }
        }

        unixTicks = 0;
        return false;
    }

    /// <summary>Reads the clock, and keeps the reading for the extrapolations that follow.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Instant Exact()
    {
        var tick = Environment.TickCount64;
        var now = _clock.GetCurrentInstant();

        // A new reading at most once per tick of the count: callers that read exactly on every call (a store that is
        // not in memory) would otherwise allocate one each time.
        if (_intervalMilliseconds > 0 && Volatile.Read(ref _sample)?.Tick != tick)
        {
            Volatile.Write(ref _sample, new Sample(now.ToUnixTimeTicks(), tick));
        }

        return now;
    }

    private sealed class Sample(long unixTicks, long tick)
    {
        public long UnixTicks { get; } = unixTicks;

        public long Tick { get; } = tick;
    }
}
