using NodaTime;

namespace Quota;

/// <summary>
/// One quota cycle: the half-open interval <c>[Start, End)</c> during which a subject's usage accumulates
/// before it resets.
/// </summary>
/// <remarks>
/// <para>
/// Cycle <em>k</em> starts at <c>anchor + k × period</c>, computed directly from the anchor (never by chaining
/// one cycle onto the previous one), so a month-end anchor does not drift: an anchor of
/// <c>2024-01-31T04:30Z</c> gives cycles starting <c>2024-02-29T04:30Z</c> (leap year, clamped),
/// then <c>2024-03-31T04:30Z</c> (not the 29th), then <c>2024-04-30T04:30Z</c>. Cycle 0 starts at the anchor.
/// </para>
/// <para>
/// <see cref="End"/> of cycle <em>k</em> is <see cref="Start"/> of cycle <em>k</em>+1 exactly, so cycles tile
/// time without gaps or overlaps, before the anchor as well as after it (cycle indexes are negative there).
/// </para>
/// <para>
/// <b>Which cycle a call counts in.</b> <see cref="IQuotaService"/> counts a call made at <c>now</c> in the cycle
/// containing the <em>later</em> of <c>now</c> and the subject's anchor, so never in a negative cycle: nothing is ever
/// counted in a cycle that ends at or before the anchor. A first-use anchor can be later than a call's <c>now</c> when
/// concurrent first calls race (the store keeps the anchor of the one that won) or when app instances' clocks differ;
/// such a call counts in cycle 0 with everyone else, rather than in the empty cycle before it. With an anchor of
/// <c>2026-03-10T12:00:00.500Z</c>, a call whose clock reads <c>12:00:00.200Z</c> counts in
/// <c>[2026-03-10T12:00:00.500Z, 2026-04-10T12:00:00.500Z)</c> for a monthly policy.
/// </para>
/// </remarks>
public readonly partial struct QuotaCycle : IEquatable<QuotaCycle>
{
    /// <summary>Initializes a new cycle.</summary>
    /// <param name="index">The cycle's number counted from the anchor (0 is the cycle that starts at the anchor).</param>
    /// <param name="start">The first instant of the cycle.</param>
    /// <param name="end">The first instant after the cycle, which is the start of the next cycle.</param>
    /// <exception cref="ArgumentException"><paramref name="end"/> is not after <paramref name="start"/>.</exception>
    public QuotaCycle(long index, Instant start, Instant end)
    {
        if (end <= start)
        {
            throw new ArgumentException($"A cycle must end after it starts; got start {start} and end {end}.", nameof(end));
        }

        Index = index;
        Start = start;
        End = end;
    }

    /// <summary>Gets the cycle's number counted from the anchor: 0 starts at the anchor, negative numbers lie before it.</summary>
    public long Index { get; }

    /// <summary>Gets the first instant of the cycle (inclusive).</summary>
    public Instant Start { get; }

    /// <summary>Gets the instant the cycle ends (exclusive): the moment usage resets, and the start of the next cycle.</summary>
    public Instant End { get; }

    /// <summary>Gets the cycle's length in elapsed time.</summary>
    public Duration Length => End - Start;

    /// <summary>Returns whether <paramref name="instant"/> lies within <c>[Start, End)</c>.</summary>
    /// <param name="instant">The instant to test.</param>
    /// <returns><see langword="true"/> when <c>Start &lt;= instant &lt; End</c>.</returns>
    public bool Contains(Instant instant) => Start <= instant && instant < End;

    /// <summary>Returns the time left from <paramref name="now"/> until the cycle resets, never negative.</summary>
    /// <param name="now">The current instant.</param>
    /// <returns><see cref="End"/> minus <paramref name="now"/>, or <see cref="Duration.Zero"/> once the cycle has ended.</returns>
    public Duration TimeUntilReset(Instant now) => now >= End ? Duration.Zero : End - now;

    /// <inheritdoc />
    public bool Equals(QuotaCycle other) => Index == other.Index && Start == other.Start && End == other.End;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is QuotaCycle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Index, Start, End);

    /// <summary>Compares two cycles for equality.</summary>
    /// <param name="left">The first cycle.</param>
    /// <param name="right">The second cycle.</param>
    /// <returns><see langword="true"/> when both have the same index, start and end.</returns>
    public static bool operator ==(QuotaCycle left, QuotaCycle right) => left.Equals(right);

    /// <summary>Compares two cycles for inequality.</summary>
    /// <param name="left">The first cycle.</param>
    /// <param name="right">The second cycle.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(QuotaCycle left, QuotaCycle right) => !left.Equals(right);

    /// <inheritdoc />
    public override string ToString() => $"#{Index} [{Start}, {End})";
}
