using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Quota;

/// <summary>
/// When one policy's store calls run out of time, shared by the calls: every call that starts within one slice (a
/// sixteenth of the timeout, at least a millisecond) registers on one token, cancelled one timeout after the slice
/// ends. Each call so waits at least its timeout and at most a sixteenth longer, for the price of a registration on a
/// shared token instead of a timer of its own.
/// </summary>
internal sealed class StoreDeadlines
{
    private readonly TimeSpan _slice;
    private readonly long _sliceTimestamps;
    private readonly Lock _gate = new();
    private Slice? _current;

    public StoreDeadlines(TimeSpan timeout)
    {
        Timeout = timeout;
        _slice = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, timeout.Ticks / 16));
        _sliceTimestamps = Math.Max(1, (long)(_slice.TotalSeconds * Stopwatch.Frequency));
    }

    /// <summary>Gets the least time a call is given.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Gets the token that is cancelled once a call starting now has had its time.</summary>
    public CancellationToken Current()
    {
        var slice = Volatile.Read(ref _current);
        var now = Stopwatch.GetTimestamp();
        return slice is not null && now < slice.Ends ? slice.Token : Renew(now);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private CancellationToken Renew(long now)
    {
        lock (_gate)
        {
            var slice = _current;
            if (slice is null || now >= slice.Ends)
            {
                // Cancelled one timeout after the slice ends, counted from now: calls registered until then get at
                // least the timeout. The source is never disposed: its timer is gone once it fires, and nothing else
                // holds it after its calls are done.
                var source = new CancellationTokenSource();
                source.CancelAfter(Timeout + _slice);
                slice = new Slice(now + _sliceTimestamps, source.Token);
                Volatile.Write(ref _current, slice);
            }

            return slice.Token;
        }
    }

    private sealed record Slice(long Ends, CancellationToken Token);
}
