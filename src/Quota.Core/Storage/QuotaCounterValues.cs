namespace Quota;

/// <summary>
/// A small list of meter usages aligned with the deltas of a store call. Holds up to two values inline so the common
/// calls (one meter, or <c>requests</c> with <c>tokens</c>) allocate nothing.
/// </summary>
public readonly struct QuotaCounterValues
{
    // The count of inline values is told by which marker array _many holds (its length is the count), not by a field of
    // its own: a count field made the struct 32 bytes instead of 24, and every store result 8 bytes larger, which made
    // the one-meter consume measurably slower (benchmarks/README.md, "Leased allowances": one consume per policy shape).
    private static readonly long[] OneInline = new long[1];
    private static readonly long[] TwoInline = new long[2];

    private readonly long _first;
    private readonly long _second;
    private readonly long[]? _many;

    /// <summary>Initializes a list of one value.</summary>
    /// <param name="single">The value.</param>
    public QuotaCounterValues(long single)
    {
        _first = single;
        _second = 0;
        _many = OneInline;
    }

    /// <summary>Initializes a list of two values.</summary>
    /// <param name="first">The first value.</param>
    /// <param name="second">The second value.</param>
    public QuotaCounterValues(long first, long second)
    {
        _first = first;
        _second = second;
        _many = TwoInline;
    }

    /// <summary>Initializes a list over an array the caller no longer changes.</summary>
    /// <param name="values">The values.</param>
    public QuotaCounterValues(long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _first = 0;
        _second = 0;
        _many = values;
    }

    /// <summary>Gets the number of values.</summary>
    public int Count => _many is null ? 0 : _many.Length;

    private bool Inline => ReferenceEquals(_many, OneInline) || ReferenceEquals(_many, TwoInline);

    /// <summary>Gets the value at <paramref name="index"/>.</summary>
    /// <param name="index">The position, matching the delta's position in the call.</param>
    /// <returns>The meter's usage.</returns>
    public long this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"The index must be between 0 and {Count - 1}.");
            }

            return !Inline ? _many![index] : index == 0 ? _first : _second;
        }
    }

    /// <summary>Copies the values into a new array.</summary>
    internal long[] ToArray()
        => _many is null ? []
            : ReferenceEquals(_many, OneInline) ? [_first]
            : ReferenceEquals(_many, TwoInline) ? [_first, _second]
            : (long[])_many.Clone();

    /// <summary>Creates a list from values that are copied.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The list; one or two values are kept inline.</returns>
    public static QuotaCounterValues From(ReadOnlySpan<long> values)
        => values.Length switch
        {
            1 => new QuotaCounterValues(values[0]),
            2 => new QuotaCounterValues(values[0], values[1]),
            _ => new QuotaCounterValues(values.ToArray()),
        };
}
