using NodaTime.Text;

namespace Quota.Tests.Periods;

/// <summary>Named edge dates, each checked against cycles computed by hand.</summary>
public sealed class QuotaCycleEdgeDateTests
{
    private static readonly DateTimeZone Utc = DateTimeZone.Utc;
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    private static Instant I(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    private static Instant Local(DateTimeZone zone, string text)
        => LocalDateTimePattern.ExtendedIso.Parse(text).Value.InZoneStrictly(zone).ToInstant();

    [Theory]
    // Zuplo's example: anchor 2024-01-31T04:30Z resets 2024-02-29T04:30Z (leap year), then 2024-03-31T04:30Z: never chained.
    [InlineData("2024-01-31T04:30:00Z", "2024-01-31T04:30:00Z", 0, "2024-01-31T04:30:00Z", "2024-02-29T04:30:00Z")]
    [InlineData("2024-01-31T04:30:00Z", "2024-02-29T04:29:59Z", 0, "2024-01-31T04:30:00Z", "2024-02-29T04:30:00Z")]
    [InlineData("2024-01-31T04:30:00Z", "2024-02-29T04:30:00Z", 1, "2024-02-29T04:30:00Z", "2024-03-31T04:30:00Z")]
    [InlineData("2024-01-31T04:30:00Z", "2024-03-31T04:30:00Z", 2, "2024-03-31T04:30:00Z", "2024-04-30T04:30:00Z")]
    [InlineData("2024-01-31T04:30:00Z", "2025-02-15T00:00:00Z", 12, "2025-01-31T04:30:00Z", "2025-02-28T04:30:00Z")]
    // Non-leap February clamps to the 28th, and March returns to the 31st.
    [InlineData("2023-01-31T00:00:00Z", "2023-02-28T12:00:00Z", 1, "2023-02-28T00:00:00Z", "2023-03-31T00:00:00Z")]
    [InlineData("2023-01-30T09:15:00Z", "2023-03-01T00:00:00Z", 1, "2023-02-28T09:15:00Z", "2023-03-30T09:15:00Z")]
    // Before the anchor: negative cycles, still clamped from the anchor.
    [InlineData("2024-03-31T00:00:00Z", "2024-03-01T00:00:00Z", -1, "2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z")]
    [InlineData("2024-03-31T00:00:00Z", "2023-12-31T00:00:00Z", -3, "2023-12-31T00:00:00Z", "2024-01-31T00:00:00Z")]
    public void Monthly_cycles_clamp_to_month_end_without_drift(string anchor, string at, long index, string start, string end)
    {
        var cycle = QuotaCycle.Containing(I(anchor), QuotaPeriod.Monthly, I(at), Utc);

        Assert.Equal(index, cycle.Index);
        Assert.Equal(I(start), cycle.Start);
        Assert.Equal(I(end), cycle.End);
    }

    [Theory]
    [InlineData("2025-06-01T00:00:00Z", "2024-02-29T10:00:00Z", "2025-02-28T10:00:00Z", "2026-02-28T10:00:00Z")]
    [InlineData("2028-02-29T10:00:00Z", "2028-02-29T10:00:00Z", "2028-02-29T10:00:00Z", "2029-02-28T10:00:00Z")]
    [InlineData("2028-02-29T09:59:59Z", "2024-02-29T10:00:00Z", "2027-02-28T10:00:00Z", "2028-02-29T10:00:00Z")]
    public void Yearly_anchor_on_february_29_clamps_in_other_years(string at, string anchor, string start, string end)
    {
        var cycle = QuotaCycle.Containing(I(anchor), QuotaPeriod.Yearly, I(at), Utc);

        Assert.Equal(I(start), cycle.Start);
        Assert.Equal(I(end), cycle.End);
    }

    [Fact]
    public void Daily_cycle_anchored_in_a_berlin_spring_gap_starts_when_the_gap_ends()
    {
        // 02:30 does not exist on 2024-03-31 in Berlin (02:00 CET jumps to 03:00 CEST).
        var anchor = Local(Berlin, "2024-03-30T02:30:00");
        var cycle = QuotaCycle.Containing(anchor, QuotaPeriod.Daily, I("2024-03-31T12:00:00Z"), Berlin);

        Assert.Equal(I("2024-03-31T01:00:00Z"), cycle.Start); // 03:00 CEST
        Assert.Equal(Local(Berlin, "2024-04-01T02:30:00"), cycle.End);
        Assert.Equal(Duration.FromMinutes((23 * 60) + 30), cycle.Length);
        var before = QuotaCycle.Containing(anchor, QuotaPeriod.Daily, I("2024-03-31T00:59:59Z"), Berlin);
        Assert.Equal(anchor, before.Start);
        Assert.Equal(cycle.Start, before.End);
        Assert.Equal(Duration.FromMinutes((23 * 60) + 30), before.Length);
    }

    [Fact]
    public void Daily_cycle_anchored_in_a_berlin_autumn_overlap_takes_the_earlier_occurrence()
    {
        // 02:30 happens twice on 2024-10-27 in Berlin: 00:30Z (CEST) and 01:30Z (CET).
        var anchor = Local(Berlin, "2024-10-26T02:30:00");
        var cycle = QuotaCycle.Containing(anchor, QuotaPeriod.Daily, I("2024-10-27T01:00:00Z"), Berlin);

        Assert.Equal(I("2024-10-27T00:30:00Z"), cycle.Start);
        Assert.Equal(I("2024-10-28T01:30:00Z"), cycle.End);
        Assert.Equal(Duration.FromHours(25), cycle.Length);
    }

    [Fact]
    public void Calendar_daily_cycles_in_new_york_last_23_and_25_hours_on_dst_days()
    {
        var anchor = Local(NewYork, "2024-01-01T00:00:00");

        var spring = QuotaCycle.Containing(anchor, QuotaPeriod.Daily, I("2024-03-10T12:00:00Z"), NewYork);
        var autumn = QuotaCycle.Containing(anchor, QuotaPeriod.Daily, I("2024-11-03T12:00:00Z"), NewYork);

        Assert.Equal(I("2024-03-10T05:00:00Z"), spring.Start);
        Assert.Equal(Duration.FromHours(23), spring.Length);
        Assert.Equal(I("2024-11-03T04:00:00Z"), autumn.Start);
        Assert.Equal(Duration.FromHours(25), autumn.Length);
    }

    [Fact]
    public void Monthly_cycles_in_berlin_keep_local_midnight_across_dst()
    {
        var anchor = Local(Berlin, "2024-01-31T00:00:00");

        var march = QuotaCycle.Containing(anchor, QuotaPeriod.Monthly, I("2024-04-15T00:00:00Z"), Berlin);

        Assert.Equal(Local(Berlin, "2024-03-31T00:00:00"), march.Start);
        Assert.Equal(Local(Berlin, "2024-04-30T00:00:00"), march.End);
        Assert.Equal(I("2024-03-30T23:00:00Z"), march.Start);
        Assert.Equal(I("2024-04-29T22:00:00Z"), march.End);
    }

    [Fact]
    public void Hourly_cycles_are_sixty_minutes_across_a_berlin_dst_change()
    {
        var anchor = Local(Berlin, "2024-03-31T00:00:00");
        for (var at = I("2024-03-30T22:30:00Z"); at < I("2024-03-31T04:00:00Z"); at += Duration.FromMinutes(20))
        {
            var cycle = QuotaCycle.Containing(anchor, QuotaPeriod.Hourly, at, Berlin);
            Assert.Equal(Duration.FromHours(1), cycle.Length);
            Assert.Equal(0, cycle.Start.InZone(Berlin).Minute);
        }
    }

    [Fact]
    public void Six_hour_cycles_are_elapsed_time_as_documented()
    {
        // Anchor 00:00 Berlin on 2024-03-30: 00/06/12/18 CET, then 01/07/13/19 CEST after the spring change.
        var anchor = Local(Berlin, "2024-03-30T00:00:00");
        var period = QuotaPeriod.Parse("PT6H");

        var before = QuotaCycle.Containing(anchor, period, Local(Berlin, "2024-03-30T13:00:00"), Berlin);
        var after = QuotaCycle.Containing(anchor, period, I("2024-03-31T12:00:00Z"), Berlin);

        Assert.Equal(Local(Berlin, "2024-03-30T12:00:00"), before.Start);
        Assert.Equal(Local(Berlin, "2024-03-31T13:00:00"), after.Start);
        Assert.Equal(Duration.FromHours(6), after.Length);
    }

    [Fact]
    public void An_hourly_policy_anchored_ten_years_ago_is_computed_directly()
    {
        var anchor = I("2016-05-05T05:05:05Z");
        var at = I("2026-05-05T12:34:56Z");

        var cycle = QuotaCycle.Containing(anchor, QuotaPeriod.Hourly, at, Utc);

        Assert.Equal(I("2026-05-05T12:05:05Z"), cycle.Start);
        Assert.Equal((long)(cycle.Start - anchor).TotalHours, cycle.Index);
    }

    [Fact]
    public void Cycle_zero_starts_at_the_anchor_even_in_an_overlap()
    {
        // The later 02:30 of 2024-10-27 in Berlin (01:30Z): the anchor itself, not the earlier occurrence.
        var anchor = I("2024-10-27T01:30:00Z");

        var cycle = QuotaCycle.Containing(anchor, QuotaPeriod.Daily, anchor, Berlin);

        Assert.Equal(0, cycle.Index);
        Assert.Equal(anchor, cycle.Start);
        Assert.Equal(Local(Berlin, "2024-10-28T02:30:00"), cycle.End);
    }

    [Fact]
    public void Retry_after_is_the_time_left_in_the_cycle()
    {
        var cycle = QuotaCycle.Containing(I("2024-01-31T04:30:00Z"), QuotaPeriod.Monthly, I("2024-02-29T04:00:00Z"), Utc);

        Assert.Equal(Duration.FromMinutes(30), cycle.TimeUntilReset(I("2024-02-29T04:00:00Z")));
        Assert.Equal(Duration.Zero, cycle.TimeUntilReset(I("2024-03-01T00:00:00Z")));
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentNullException>(() => QuotaCycle.Containing(I("2024-01-01T00:00:00Z"), null!, I("2024-01-01T00:00:00Z"), Utc));
        Assert.Throws<ArgumentNullException>(() => QuotaCycle.Containing(I("2024-01-01T00:00:00Z"), QuotaPeriod.Daily, I("2024-01-01T00:00:00Z"), null!));
        Assert.Throws<ArgumentException>(() => new QuotaCycle(0, I("2024-01-01T00:00:00Z"), I("2024-01-01T00:00:00Z")));
    }

    [Theory]
    [InlineData("9999-06-01T00:00:00Z", "yearly", "9999-07-01T00:00:00Z")]
    [InlineData("9999-12-15T00:00:00Z", "monthly", "9999-12-20T00:00:00Z")]
    [InlineData("9999-12-31T12:00:00Z", "daily", "9999-12-31T13:00:00Z")]
    [InlineData("9999-12-31T20:00:00Z", "PT6H", "9999-12-31T21:00:00Z")]
    [InlineData("2026-01-01T00:00:00Z", "yearly", "9999-12-31T23:59:59Z")]
    [InlineData("2026-01-01T00:00:00Z", "P1000Y", "9999-12-31T23:59:59Z")]
    [InlineData("2026-01-01T00:00:00Z", "PT6H", "9999-12-31T23:59:59Z")]
    [InlineData("-9998-01-02T00:00:00Z", "monthly", "-9998-01-01T00:00:00Z")]
    public void A_cycle_past_the_representable_dates_is_refused_naming_anchor_and_period(string anchor, string period, string at)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => QuotaCycle.Containing(I(anchor), QuotaPeriod.Parse(period), I(at), Utc));

        Assert.Equal("at", error.ParamName);
        Assert.Contains(I(anchor).ToString(), error.Message);
        Assert.Contains(period, error.Message);
        Assert.Contains("9999-12-31", error.Message);
    }

    [Fact]
    public void The_last_cycle_that_ends_by_9999_12_31_is_still_computed()
    {
        var cycle = QuotaCycle.Containing(I("9998-12-31T00:00:00Z"), QuotaPeriod.Yearly, I("9999-06-01T00:00:00Z"), Utc);

        Assert.Equal(I("9999-12-31T00:00:00Z"), cycle.End);
        Assert.Throws<ArgumentOutOfRangeException>(() => QuotaCycle.StartOf(I("9998-12-31T00:00:00Z"), QuotaPeriod.Yearly, 2, Utc));
    }
}
