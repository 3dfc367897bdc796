using NodaTime;

namespace Quota.Testing;

/// <summary>A clock that only moves when a test moves it, or by <see cref="AutoAdvance"/> on every reading (as NodaTime.Testing's FakeClock does).</summary>
public sealed class FakeClock : IClock
{
    private long _ticks;
    private long _autoAdvanceTicks;

    public FakeClock(Instant start) => _ticks = start.ToUnixTimeTicks();

    /// <summary>Gets a clock at 2026-01-01T00:00Z.</summary>
    public static FakeClock Default() => new(Instant.FromUtc(2026, 1, 1, 0, 0));

    /// <summary>Gets or sets how far the clock moves after each reading; zero (the default) keeps it still.</summary>
    /// <remarks>Like a real clock, concurrent readers then all see different instants, later ones for later readings.</remarks>
    public Duration AutoAdvance
    {
        get => Duration.FromTicks(Interlocked.Read(ref _autoAdvanceTicks));
        set => Interlocked.Exchange(ref _autoAdvanceTicks, value.BclCompatibleTicks);
    }

    public Instant Now
    {
        get => Instant.FromUnixTimeTicks(Interlocked.Read(ref _ticks));
        set => Interlocked.Exchange(ref _ticks, value.ToUnixTimeTicks());
    }

    public Instant GetCurrentInstant()
    {
        var step = Interlocked.Read(ref _autoAdvanceTicks);
        return Instant.FromUnixTimeTicks(step == 0 ? Interlocked.Read(ref _ticks) : Interlocked.Add(ref _ticks, step) - step);
    }

    public void Advance(Duration duration) => Interlocked.Add(ref _ticks, duration.BclCompatibleTicks);

    public void Advance(TimeSpan duration) => Advance(Duration.FromTimeSpan(duration));
}
