using NodaTime;

namespace Quota.Tests.Worker;

/// <summary>A clock that starts where the test says and moves on by a microsecond with every reading, like a real one.</summary>
internal sealed class MovingClock(Instant start) : IClock
{
    private static readonly long Step = TimeSpan.TicksPerMillisecond / 1000;
    private long _ticks = start.ToUnixTimeTicks();

    public Instant GetCurrentInstant() => Instant.FromUnixTimeTicks(Interlocked.Add(ref _ticks, Step));
}
