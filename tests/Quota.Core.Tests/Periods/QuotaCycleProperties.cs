using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Quota.Tests.Periods;

/// <summary>
/// FsCheck properties of <see cref="QuotaCycle.Containing"/> over random anchors, instants, periods and IANA zones,
/// including zones with 30-minute DST shifts (Australia/Lord_Howe) and half- or quarter-hour offsets.
/// Each property runs <see cref="Tests"/> cases under xunit; a failure reports the counterexample (through
/// <see cref="Case.ToString"/>) and the seed to replay it with <c>[Property(Replay = "…")]</c>.
/// </summary>
public sealed class QuotaCycleProperties
{
    private const int Tests = 400;

    private static readonly string[] ZoneIds =
    [
        "UTC", "Europe/Berlin", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata",
        "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Australia/Adelaide", "Asia/Tehran",
        "America/Sao_Paulo", "America/Santiago", "Africa/Casablanca", "Pacific/Apia",
    ];

    private static readonly string[] PeriodTexts =
    [
        "hourly", "daily", "weekly", "monthly", "yearly", "P3M", "P2W", "PT6H", "P10D", "P1DT12H", "PT30M", "P1M15D", "PT90M", "P1Y6M",
    ];

    private static readonly Instant Low = Instant.FromUtc(1990, 1, 1, 0, 0);
    private static readonly Instant High = Instant.FromUtc(2060, 1, 1, 0, 0);

    public sealed record Case(Instant Anchor, Instant At, QuotaPeriod Period, DateTimeZone Zone)
    {
        public override string ToString() => $"anchor {Anchor}, at {At}, {Period.ToIsoString()}, {Zone.Id}";
    }

    private static Gen<Instant> Instants =>
        Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, 999)).Select(t =>
            Low + Duration.FromSeconds((long)((High - Low).TotalSeconds * (t.Item1 / (double)int.MaxValue))) + Duration.FromMilliseconds(t.Item2));

    private static Gen<Case> Cases(IReadOnlyList<string> periods, IReadOnlyList<string> zones) =>
        from anchor in Instants
        from at in Instants
        from period in Gen.Elements(periods.ToArray())
        from zone in Gen.Elements(zones.ToArray())
        select new Case(anchor, at, QuotaPeriod.Parse(period), DateTimeZoneProviders.Tzdb[zone]);

    private static Property ForAll(Gen<Case> cases, Func<Case, bool> property) => Prop.ForAll(cases.ToArbitrary(), property);

    [Property(MaxTest = Tests)]
    public Property The_cycle_contains_the_instant()
        => ForAll(Cases(PeriodTexts, ZoneIds), c =>
        {
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.At, c.Zone);
            return cycle.Start <= c.At && c.At < cycle.End;
        });

    [Property(MaxTest = Tests)]
    public Property Cycles_tile_without_gaps_or_overlaps()
        => ForAll(Cases(PeriodTexts, ZoneIds), c =>
        {
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.At, c.Zone);
            var next = QuotaCycle.Containing(c.Anchor, c.Period, cycle.End, c.Zone);
            var previous = QuotaCycle.Containing(c.Anchor, c.Period, cycle.Start - Duration.Epsilon, c.Zone);
            return next.Start == cycle.End && next.Index == cycle.Index + 1
                && previous.End == cycle.Start && previous.Index == cycle.Index - 1;
        });

    [Property(MaxTest = Tests)]
    public Property Cycle_zero_starts_at_the_anchor()
        => ForAll(Cases(PeriodTexts, ZoneIds), c =>
        {
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.Anchor, c.Zone);
            return cycle.Index == 0 && cycle.Start == c.Anchor;
        });

    // Each case walks up to 40 cycles, so half as many cases keep this property's cost near the others'.
    [Property(MaxTest = Tests / 2)]
    public Property Computing_cycle_k_directly_equals_walking_to_it()
    {
        var walks =
            from c in Cases(PeriodTexts, ZoneIds)
            from steps in Gen.Choose(-40, 40)
            select (c, steps);
        return Prop.ForAll(walks.ToArbitrary(), w =>
        {
            var (c, steps) = w;
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.Anchor, c.Zone);
            for (var i = 0; i < Math.Abs(steps); i++)
            {
                cycle = steps > 0
                    ? QuotaCycle.Containing(c.Anchor, c.Period, cycle.End, c.Zone)
                    : QuotaCycle.Containing(c.Anchor, c.Period, cycle.Start - Duration.Epsilon, c.Zone);
            }

            var direct = QuotaCycle.Containing(c.Anchor, c.Period, cycle.Start, c.Zone);
            return cycle.Index == steps && direct == cycle && QuotaCycle.StartOf(c.Anchor, c.Period, steps, c.Zone) == cycle.Start;
        });
    }

    [Property(MaxTest = Tests)]
    public Property Monthly_utc_cycles_start_on_the_clamped_anchor_day_at_the_anchor_time()
        => ForAll(Cases(["monthly"], ["UTC"]), c =>
        {
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.At, c.Zone);
            var anchor = c.Anchor.InUtc();
            var start = cycle.Start.InUtc();
            var expectedDay = Math.Min(anchor.Day, start.Calendar.GetDaysInMonth(start.Year, start.Month));
            return start.Day == expectedDay && start.TimeOfDay == anchor.TimeOfDay;
        });

    [Property(MaxTest = Tests)]
    public Property Calendar_periods_never_drift_from_the_anchor()
        => ForAll(Cases(["monthly", "P3M", "yearly", "P1Y6M"], ["UTC"]), c =>
        {
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.At, c.Zone);
            var months = (int)(c.Period.Value.Years * 12 + c.Period.Value.Months) * (int)cycle.Index;
            return cycle.Start == c.Anchor.InUtc().LocalDateTime.PlusMonths(months).InUtc().ToInstant();
        });

    [Property(MaxTest = Tests)]
    public Property Elapsed_periods_last_exactly_their_duration_in_every_zone()
        => ForAll(Cases(["hourly", "PT6H", "PT30M", "PT90M"], ZoneIds), c =>
        {
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.At, c.Zone);
            return cycle.Length == c.Period.Value.ToDuration() && (cycle.Start - c.Anchor).ToInt64Nanoseconds() % c.Period.ElapsedNanoseconds == 0;
        });

    [Property(MaxTest = Tests)]
    public Property Calendar_daily_cycles_start_at_the_anchor_time_of_day_when_it_exists()
        => ForAll(Cases(["daily", "weekly", "P10D"], ZoneIds), c =>
        {
            var cycle = QuotaCycle.Containing(c.Anchor, c.Period, c.At, c.Zone);
            var anchorLocal = c.Anchor.InZone(c.Zone).LocalDateTime;
            var expectedLocal = anchorLocal.PlusDays((int)(c.Period.TotalDays * cycle.Index));
            var mapping = c.Zone.MapLocal(expectedLocal);
            var start = cycle.Start.InZone(c.Zone).LocalDateTime;

            // Where that local time exists once, the cycle starts exactly there; in a gap, when the gap ends;
            // in an overlap, at the earlier occurrence (or the anchor itself for cycle 0).
            return mapping.Count switch
            {
                1 => start == expectedLocal,
                0 => cycle.Start == mapping.LateInterval.Start,
                _ => cycle.Index == 0 ? cycle.Start == c.Anchor : cycle.Start == mapping.First().ToInstant(),
            };
        });
}
