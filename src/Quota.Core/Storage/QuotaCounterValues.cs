namespace Quota;

/// <summary>
/// A small list of meter usages aligned with the deltas of a store call. Holds one value inline so the common
/// one-meter call allocates nothing.
/// </summary>
public readonly struct QuotaCounterValues
{
    private readonly long _single;
    private readonly long[]? _many;

    /// <summary>Initializes a list of one value.</summary>
    /// <param name="single">The value.</param>
    public QuotaCounterValues(long single)
    {
        _single = single;
        _many = null;
        Count = 1;
    }

    /// <summary>Initializes a list over an array the caller no longer changes.</summary>
    /// <param name="values">The values.</param>
    public QuotaCounterValues(long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _single = 0;
        _many = values;
        Count = values.Length;
    }

    /// <summary>Gets the number of values.</summary>
    public int Count { get; }

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

            return _many is null ? _single : _many[index];
        }
    }

    /// <summary>Copies the values into a new array.</summary>
    internal long[] ToArray() => _many is null ? (Count == 0 ? [] : [_single]) : (long[])_many.Clone();

    /// <summary>Creates a list from values that are copied.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The list; one value is kept inline.</returns>
    public static QuotaCounterValues From(ReadOnlySpan<long> values)
        => values.Length == 1 ? new QuotaCounterValues(values[0]) : new QuotaCounterValues(values.ToArray());
}
