namespace Quota;

/// <summary>One meter's usage in a cycle, with its allowance when it has one.</summary>
/// <param name="Meter">The meter's name.</param>
/// <param name="Used">The amount used in the cycle.</param>
/// <param name="Limit">The allowance per cycle, or <see langword="null"/> when the meter never refuses.</param>
public readonly record struct QuotaMeterUsage(string Meter, long Used, long? Limit)
{
    /// <summary>Gets what is left of the allowance (never negative), or <see langword="null"/> for a meter without one.</summary>
    public long? Remaining => Limit is { } limit ? Math.Max(0, limit - Used) : null;
}
