using NodaTime;

namespace Quota.Testing;

/// <summary>A clock that only moves when a test moves it (NodaTime.Testing is not available here).</summary>
public sealed class FakeClock : IClock
{
    private long _ticks;

    public FakeClock(Instant start) => _ticks = start.ToUnixTimeTicks();

    /// <summary>Gets a clock at 2026-01-01T00:00Z.</summary>
    public static FakeClock Default() => new(Instant.FromUtc(2026, 1, 1, 0, 0));

    public Instant Now
    {
        get => GetCurrentInstant();
        set => Interlocked.Exchange(ref _ticks, value.ToUnixTimeTicks());
    }

    public Instant GetCurrentInstant() => Instant.FromUnixTimeTicks(Interlocked.Read(ref _ticks));

    public void Advance(Duration duration) => Interlocked.Add(ref _ticks, duration.BclCompatibleTicks);

    public void Advance(TimeSpan duration) => Advance(Duration.FromTimeSpan(duration));
}
