using NodaTime;

namespace Quota.Tests.Worker;

/// <summary>A clock stopped at the instant the test passes, so the test and its workers agree on the cycle.</summary>
internal sealed class FixedClock(Instant now) : IClock
{
    public Instant GetCurrentInstant() => now;
}
