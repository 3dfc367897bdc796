using NodaTime;
using NodaTime.TimeZones;

namespace Quota;

public readonly partial struct QuotaCycle
{
    /// <summary>
    /// The one resolver used to turn a computed local cycle start into an instant: an ambiguous local time
    /// (a DST overlap) maps to its earlier occurrence, a skipped local time (a DST gap) maps to the instant the
    /// gap ends. Both choices keep cycle starts in order, so cycles still tile.
    /// </summary>
    private static readonly ZoneLocalMappingResolver Resolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    /// <summary>
    /// Returns the cycle, counted from <paramref name="anchor"/> in steps of <paramref name="period"/>, that
    /// contains <paramref name="at"/>.
    /// </summary>
    /// <param name="anchor">The instant cycles are counted from; cycle 0 starts here.</param>
    /// <param name="period">The length of a cycle.</param>
    /// <param name="at">The instant whose cycle is wanted; may lie before the anchor.</param>
    /// <param name="zone">The time zone whose calendar the period's date units follow (UTC for most policies).</param>
    /// <returns>The cycle with <c>Start &lt;= at &lt; End</c>.</returns>
    /// <remarks>
    /// <para>
    /// <b>Calendar periods</b> (any period with a year, month, week or day part) are added to the anchor's
    /// <em>local</em> date and time in <paramref name="zone"/>: cycle <em>k</em> starts at local
    /// <c>anchorLocal + k × period</c>, where month arithmetic clamps to the month's last day
    /// (<c>2024-01-31 + 1 month = 2024-02-29</c>, <c>+ 2 months = 2024-03-31</c>,
    /// <c>2023-01-31 + 1 month = 2023-02-28</c>; a yearly anchor on <c>2024-02-29</c> gives <c>2025-02-28</c>
    /// and <c>2028-02-29</c>). That local date and time is converted to an instant once: a time that occurs twice
    /// (the autumn overlap) takes its earlier occurrence, a time that does not exist (the spring gap) takes the
    /// instant the gap ends. So a daily cycle anchored at 02:30 Europe/Berlin starts at 03:00 CEST on
    /// <c>2024-03-31</c> (02:30 does not exist that day) and at 02:30 CEST, the earlier 02:30, on
    /// <c>2024-10-27</c>; daily cycles last 23 or 25 hours across those days. Cycle 0 always starts exactly at
    /// the anchor.
    /// </para>
    /// <para>
    /// <b>Elapsed periods</b> (time units only: <c>hourly</c>, <c>PT6H</c>, <c>PT30M</c>) are added to the
    /// anchor as elapsed time, ignoring the zone: every hourly cycle lasts exactly 60 minutes and every PT6H
    /// cycle exactly six hours. With a PT6H anchor at 00:00 Europe/Berlin on <c>2024-03-30</c> (23:00Z), cycles
    /// start at 00:00, 06:00, 12:00 and 18:00 local until the spring change; from <c>2024-03-31T01:00Z</c>
    /// (03:00 CEST) the same instants read 01:00, 07:00, 13:00 and 19:00 CEST, and they read 00:00, 06:00, …
    /// again after the autumn change. Hourly cycles stay on local hour boundaries in every zone whose offset
    /// changes by whole hours.
    /// </para>
    /// <para>The result is computed in constant time, however far <paramref name="at"/> lies from the anchor.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="period"/> or <paramref name="zone"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The cycle would start or end outside the instants NodaTime represents (so no cycle may end after
    /// 9999-12-31T23:59:59.999999999Z); the message names the anchor and the period.
    /// </exception>
    public static QuotaCycle Containing(Instant anchor, QuotaPeriod period, Instant at, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(zone);
        try
        {
            return period.IsElapsed ? ContainingElapsed(anchor, period.ElapsedNanoseconds, at) : ContainingCalendar(anchor, period, at, zone);
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            throw OutOfRange(nameof(at), at, $"The cycle containing {at} counted from anchor {anchor} in steps of {period.Describe()}");
        }
    }

    /// <summary>Returns the start of cycle <paramref name="index"/>, computed directly from the anchor.</summary>
    /// <param name="anchor">The instant cycles are counted from.</param>
    /// <param name="period">The length of a cycle.</param>
    /// <param name="index">The cycle number; 0 is the cycle that starts at the anchor.</param>
    /// <param name="zone">The time zone whose calendar the period's date units follow.</param>
    /// <returns>The first instant of the cycle.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="period"/> or <paramref name="zone"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The cycle would start outside the instants NodaTime represents.</exception>
    public static Instant StartOf(Instant anchor, QuotaPeriod period, long index, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(zone);
        try
        {
            return period.IsElapsed
                ? anchor + Duration.FromNanoseconds(checked(period.ElapsedNanoseconds * index))
                : CalendarStart(anchor, anchor.InZone(zone).LocalDateTime, period, index, zone);
        }
        catch (Exception ex) when (ex is OverflowException or ArgumentOutOfRangeException)
        {
            throw OutOfRange(nameof(index), index, $"Cycle {index} counted from anchor {anchor} in steps of {period.Describe()}");
        }
    }

    /// <summary>
    /// The one error for a cycle beyond NodaTime's range. NodaTime reports it from deep inside its arithmetic (an
    /// overflow, or an argument of its own out of range), which tells the caller nothing about their own arguments.
    /// </summary>
    private static ArgumentOutOfRangeException OutOfRange(string parameter, object value, string cycle)
        => new(parameter, value, $"{cycle} would start or end outside the dates NodaTime represents (years -9998 to 9999): no cycle may end after 9999-12-31T23:59:59.999999999Z. Use an anchor and instant whose cycle ends by then, or a shorter period.");

    private static QuotaCycle ContainingElapsed(Instant anchor, long periodNanos, Instant at)
    {
        // Elapsed nanoseconds fit a long for ±292 years around the anchor; beyond that fall back to the decimal path.
        var elapsed = at - anchor;
        long index;
        if (elapsed.Days is > -100_000 and < 100_000)
        {
            index = FloorDiv(elapsed.ToInt64Nanoseconds(), periodNanos);
        }
        else
        {
            var quotient = System.Numerics.BigInteger.DivRem(elapsed.ToBigIntegerNanoseconds(), periodNanos, out var remainder);
            index = (long)(remainder.Sign < 0 ? quotient - 1 : quotient);
        }

        var step = Duration.FromNanoseconds(periodNanos);
        var start = anchor + (step * index);
        return new QuotaCycle(index, start, start + step);
    }

    private static QuotaCycle ContainingCalendar(Instant anchor, QuotaPeriod period, Instant at, DateTimeZone zone)
    {
        var anchorLocal = anchor.InZone(zone).LocalDateTime;
        var atLocal = at.InZone(zone).LocalDateTime;
        var index = EstimateIndex(anchorLocal, atLocal, period);

        // The estimate is exact for pure month or pure day periods away from DST changes; the two loops
        // correct it by a step or two around DST overlaps, clamped month ends and mixed periods.
        var start = CalendarStart(anchor, anchorLocal, period, index, zone);
        while (start > at)
        {
            index--;
            start = CalendarStart(anchor, anchorLocal, period, index, zone);
        }

        var next = CalendarStart(anchor, anchorLocal, period, index + 1, zone);
        while (next <= at)
        {
            index++;
            start = next;
            next = CalendarStart(anchor, anchorLocal, period, index + 1, zone);
        }

        // Two local starts can map to one instant only for a period shorter than a DST gap, which calendar
        // periods (a day or more) never are, so next > start here.
        return new QuotaCycle(index, start, next);
    }

    private static long EstimateIndex(LocalDateTime anchorLocal, LocalDateTime atLocal, QuotaPeriod period)
    {
        if (period.TotalDays == 0 && !period.Value.HasTimeComponent)
        {
            var months = ((atLocal.Year - (long)anchorLocal.Year) * 12) + (atLocal.Month - anchorLocal.Month);
            return FloorDiv(months, period.TotalMonths);
        }

        if (period.TotalMonths == 0 && !period.Value.HasTimeComponent)
        {
            var days = Period.DaysBetween(anchorLocal.Date, atLocal.Date);
            return FloorDiv(days, period.TotalDays);
        }

        // Mixed periods: estimate from the average Gregorian month (400 years = 146,097 days = 4,800 months).
        var p = period.Value;
        var timeSeconds = (p.Hours * 3600.0) + (p.Minutes * 60.0) + p.Seconds;
        var approxDays = (period.TotalMonths * 146097.0 / 4800.0) + period.TotalDays + (timeSeconds / 86400.0);
        var elapsedDays = (atLocal.InUtc().ToInstant() - anchorLocal.InUtc().ToInstant()).TotalDays;
        return (long)Math.Floor(elapsedDays / approxDays);
    }

    private static long FloorDiv(long value, long divisor)
    {
        var q = value / divisor;
        return (value % divisor < 0) ? q - 1 : q;
    }

    private static Instant CalendarStart(Instant anchor, LocalDateTime anchorLocal, QuotaPeriod period, long index, DateTimeZone zone)
    {
        if (index == 0)
        {
            return anchor;
        }

        var p = period.Value;
        var local = anchorLocal;
        if (period.TotalMonths != 0)
        {
            local = local.PlusMonths(checked((int)(period.TotalMonths * index)));
        }

        if (period.TotalDays != 0)
        {
            local = local.PlusDays(checked((int)(period.TotalDays * index)));
        }

        if (p.HasTimeComponent)
        {
            local = local.PlusHours(checked(p.Hours * index))
                .PlusMinutes(checked(p.Minutes * index))
                .PlusSeconds(checked(p.Seconds * index));
        }

        return zone.ResolveLocal(local, Resolver).ToInstant();
    }
}
