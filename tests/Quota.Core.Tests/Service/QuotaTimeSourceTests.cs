using NodaTime.Testing;

namespace Quota.Tests.Service;

public sealed class QuotaTimeSourceTests
{
    [Fact]
    public void A_clock_other_than_the_system_clock_is_read_on_every_call()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        var time = new QuotaTimeSource(clock, TimeSpan.FromSeconds(1));
        time.Exact();

        clock.Advance(Duration.FromDays(40));

        Assert.False(time.TryEstimate(out _));
        Assert.Equal(clock.GetCurrentInstant(), time.Exact());
    }

    [Fact]
    public void The_system_clock_is_extrapolated_between_reads()
    {
        var time = new QuotaTimeSource(SystemClock.Instance, TimeSpan.FromMinutes(1));
        var before = SystemClock.Instance.GetCurrentInstant();
        time.Exact();

        Assert.True(time.TryEstimate(out var ticks));
        var after = SystemClock.Instance.GetCurrentInstant();

        // The tick count's resolution is 1–16 ms; allow for it and for the rounding down to milliseconds.
        Assert.InRange(ticks, (before - Duration.FromMilliseconds(50)).ToUnixTimeTicks(), (after + Duration.FromMilliseconds(50)).ToUnixTimeTicks());
    }

    [Fact]
    public void A_zero_interval_reads_the_system_clock_on_every_call()
    {
        var time = new QuotaTimeSource(SystemClock.Instance, TimeSpan.Zero);
        time.Exact();

        Assert.False(time.TryEstimate(out _));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(249, false)]
    [InlineData(250, true)]
    [InlineData(3_600_000 - 251, true)]
    [InlineData(3_600_000 - 250, false)]
    [InlineData(3_600_000, false)]
    public void An_extrapolated_time_is_trusted_only_a_quarter_second_inside_the_cycle(long millisecondsIntoCycle, bool trusted)
    {
        var start = Instant.FromUtc(2026, 3, 29, 1, 0);
        var box = new CycleBox(start, new QuotaCycle(0, start, start + Duration.FromHours(1)), Duration.Zero);
        var ticks = (start + Duration.FromMilliseconds(millisecondsIntoCycle)).ToUnixTimeTicks();

        Assert.Equal(trusted, box.SafeStartTicks <= ticks && ticks < box.SafeEndTicks);
    }
}
