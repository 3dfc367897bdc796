using NodaTime;

namespace Quota;

/// <summary>The fixed anchor of calendar-aligned policies.</summary>
internal static class CalendarAnchors
{
    private static readonly LocalDateTime Epoch = new(2000, 1, 1, 0, 0);

    // 3 January 2000 was a Monday: weekly cycles count ISO weeks from it.
    private static readonly LocalDateTime WeekEpoch = new(2000, 1, 3, 0, 0);

    /// <summary>
    /// Returns local midnight of 1 January 2000 in <paramref name="zone"/> (of Monday 3 January 2000 for periods made of
    /// whole weeks), so monthly cycles start on the 1st, yearly on 1 January, daily at midnight, hourly on the hour,
    /// weekly on Monday, and multiples such as <c>P3M</c> on calendar quarters.
    /// </summary>
    public static Instant For(QuotaPeriod period, DateTimeZone zone)
    {
        var weeksOnly = period.TotalMonths == 0 && period.TotalDays > 0 && period.TotalDays % 7 == 0 && !period.Value.HasTimeComponent;
        return zone.AtLeniently(weeksOnly ? WeekEpoch : Epoch).ToInstant();
    }
}
