using NodaTime;

namespace Quota.Samples.Console;

/// <summary>An application-supplied clock that the sample moves forward by hand, to show a month pass.</summary>
internal sealed class SteppingClock(Instant start) : IClock
{
    private Instant _now = start;

    public Instant GetCurrentInstant() => _now;

    public void Advance(Duration duration) => _now += duration;

    public void Set(Instant instant) => _now = instant;
}
