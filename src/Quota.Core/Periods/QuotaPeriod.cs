using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Quota;

/// <summary>
/// The length of one quota cycle: <see cref="Hourly"/>, <see cref="Daily"/>, <see cref="Weekly"/>,
/// <see cref="Monthly"/>, <see cref="Yearly"/>, or any positive ISO-8601 period such as <c>P3M</c>,
/// <c>P2W</c>, <c>P10D</c> or <c>PT6H</c>.
/// </summary>
/// <remarks>
/// <para>
/// A period made only of date units (years, months, weeks, days, with or without a time part) is
/// <em>calendar</em> arithmetic: it is added to the anchor's local date and time in the policy's zone,
/// so <c>monthly</c> keeps the anchor's day and time of day, clamped to the last day of shorter months,
/// and <c>daily</c> keeps the anchor's local time of day even on a 23- or 25-hour DST day.
/// </para>
/// <para>
/// A period made only of time units (<c>PT1H</c>, <c>PT6H</c>, <c>PT30M</c>) is <em>elapsed</em> time:
/// an hourly cycle always lasts exactly 60 minutes, whatever the zone does. In a zone with a one-hour
/// DST shift such as Europe/Berlin this still lands on local hour boundaries; see
/// <see cref="QuotaCycle.Containing"/> for what <c>PT6H</c> means across a change.
/// </para>
/// </remarks>
public sealed class QuotaPeriod : IEquatable<QuotaPeriod>
{
    private const string AcceptedForms =
        "'hourly', 'daily', 'weekly', 'monthly', 'yearly', or a positive ISO-8601 period such as 'P3M', 'P2W', 'P10D', 'PT6H' or 'P1DT12H'";

    /// <summary>One hour of elapsed time (<c>PT1H</c>).</summary>
    public static QuotaPeriod Hourly { get; } = new("hourly", Period.FromHours(1));

    /// <summary>One local calendar day (<c>P1D</c>).</summary>
    public static QuotaPeriod Daily { get; } = new("daily", Period.FromDays(1));

    /// <summary>One local calendar week (<c>P1W</c>); calendar-aligned weekly cycles start on Monday (ISO week).</summary>
    public static QuotaPeriod Weekly { get; } = new("weekly", Period.FromWeeks(1));

    /// <summary>One calendar month (<c>P1M</c>), clamped to the month's last day.</summary>
    public static QuotaPeriod Monthly { get; } = new("monthly", Period.FromMonths(1));

    /// <summary>One calendar year (<c>P1Y</c>); an anchor on 29 February falls on 28 February in other years.</summary>
    public static QuotaPeriod Yearly { get; } = new("yearly", Period.FromYears(1));

    private QuotaPeriod(string name, Period period)
    {
        Name = name;
        Value = period;
        IsElapsed = !period.HasDateComponent;
        TotalMonths = (period.Years * 12L) + period.Months;
        TotalDays = (period.Weeks * 7L) + period.Days;
        if (IsElapsed)
        {
            ElapsedNanoseconds = period.ToDuration().ToInt64Nanoseconds();
        }
    }

    /// <summary>Gets the name this period was created with: a keyword such as <c>monthly</c>, or the ISO-8601 text such as <c>P3M</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the period as a NodaTime <see cref="Period"/>.</summary>
    public Period Value { get; }

    /// <summary>Gets a value indicating whether this period is elapsed time (time units only) rather than calendar arithmetic.</summary>
    public bool IsElapsed { get; }

    internal long TotalMonths { get; }

    internal long TotalDays { get; }

    internal long ElapsedNanoseconds { get; }

    /// <summary>Parses a period keyword or an ISO-8601 period, ignoring case.</summary>
    /// <param name="text">
    /// <c>hourly</c>, <c>daily</c>, <c>weekly</c>, <c>monthly</c>, <c>yearly</c>, or a positive ISO-8601 period
    /// such as <c>P3M</c>, <c>P2W</c>, <c>P10D</c> or <c>PT6H</c>.
    /// </param>
    /// <returns>The period.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> is not one of the accepted forms; the message lists them.</exception>
    public static QuotaPeriod Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out var period, out var error))
        {
            return period;
        }

        throw new FormatException(error);
    }

    /// <summary>Tries to parse a period keyword or an ISO-8601 period, ignoring case.</summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="period">The period, when the text is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is an accepted form.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out QuotaPeriod? period)
        => TryParse(text, out period, out _);

    internal static bool TryParse(
        string? text,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out QuotaPeriod? period,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        period = null;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            error = $"A quota period is required. Write {AcceptedForms}.";
            return false;
        }

        period = trimmed.ToLowerInvariant() switch
        {
            "hourly" => Hourly,
            "daily" => Daily,
            "weekly" => Weekly,
            "monthly" => Monthly,
            "yearly" or "annually" => Yearly,
            _ => null,
        };
        if (period is not null)
        {
            error = null;
            return true;
        }

        var upper = trimmed.ToUpperInvariant();
        if (!upper.StartsWith('P'))
        {
            error = $"'{trimmed}' is not a quota period. Write {AcceptedForms}.";
            return false;
        }

        ParseResult<Period> result = PeriodPattern.NormalizingIso.Parse(upper);
        if (!result.Success)
        {
            error = $"'{trimmed}' is not a valid ISO-8601 period. Write {AcceptedForms}.";
            return false;
        }

        var value = result.Value;
        if (!IsPositive(value))
        {
            error = $"'{trimmed}' is not a positive period: every part must be zero or more and at least one above zero. Write {AcceptedForms}.";
            return false;
        }

        if (value.HasDateComponent && (value.Milliseconds != 0 || value.Ticks != 0 || value.Nanoseconds != 0))
        {
            error = $"'{trimmed}' mixes calendar units with fractions of a second; use whole seconds. Write {AcceptedForms}.";
            return false;
        }

        if (value.HasTimeComponent && !value.HasDateComponent && value.ToDuration() < Duration.FromSeconds(1))
        {
            error = $"'{trimmed}' is shorter than one second, the shortest period. Write {AcceptedForms}.";
            return false;
        }

        period = new QuotaPeriod(PeriodPattern.NormalizingIso.Format(value), value);
        error = null;
        return true;
    }

    private static bool IsPositive(Period p)
    {
        if (p.Years < 0 || p.Months < 0 || p.Weeks < 0 || p.Days < 0 || p.Hours < 0 || p.Minutes < 0
            || p.Seconds < 0 || p.Milliseconds < 0 || p.Ticks < 0 || p.Nanoseconds < 0)
        {
            return false;
        }

        return p != Period.Zero;
    }

    /// <summary>Returns the ISO-8601 form of this period, e.g. <c>P1M</c> for <see cref="Monthly"/>.</summary>
    /// <returns>The ISO-8601 text.</returns>
    public string ToIsoString() => PeriodPattern.NormalizingIso.Format(Value);

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <inheritdoc />
    public bool Equals(QuotaPeriod? other) => other is not null && Value.Normalize().Equals(other.Value.Normalize());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as QuotaPeriod);

    /// <inheritdoc />
    public override int GetHashCode() => Value.Normalize().GetHashCode();

    internal string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({ToIsoString()})");
}
