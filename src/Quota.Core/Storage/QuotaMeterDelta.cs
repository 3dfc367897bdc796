namespace Quota;

/// <summary>An amount to add to one meter, with the meter's allowance when it has one.</summary>
/// <remarks>
/// In a conditional add (<see cref="IQuotaStore.TryAddAsync"/>) a delta with a <see cref="Limit"/> is satisfied when
/// <c>used + max(Amount, 1) &lt;= Limit</c>: spending <c>Amount</c> must fit, and a limited meter that is carried
/// along with amount 0 must still have at least one unit left. That is how an exhausted meter (say <c>tokens</c>
/// recorded past its allowance) refuses the next request of its policy.
/// </remarks>
/// <param name="Meter">The meter's name, e.g. <c>requests</c> or <c>tokens</c>.</param>
/// <param name="Amount">The amount to add; zero or more.</param>
/// <param name="Limit">The meter's allowance for the cycle, or <see langword="null"/> when the meter is counted but never refuses.</param>
public readonly record struct QuotaMeterDelta(string Meter, long Amount, long? Limit = null)
{
    /// <summary>Returns whether adding this delta to <paramref name="used"/> stays within the limit.</summary>
    /// <param name="used">The meter's current usage.</param>
    /// <returns><see langword="true"/> when the meter has no limit, or when the add fits as described on the type.</returns>
    public bool Fits(long used)
    {
        if (Limit is not { } limit)
        {
            return true;
        }

        var needed = Amount > 0 ? Amount : 1;
        return used <= limit - needed;
    }

    /// <summary>Returns whether adding this delta to <paramref name="used"/> stays within the limit raised by the cycle's grants.</summary>
    /// <param name="used">The meter's current usage.</param>
    /// <param name="granted">The meter's total grants in the cycle (see <see cref="IQuotaStore.GrantAsync"/>).</param>
    /// <returns><see langword="true"/> when the meter has no limit, or when the add fits within <c>Limit + granted</c>.</returns>
    public bool Fits(long used, long granted)
    {
        if (Limit is not { } limit)
        {
            return true;
        }

        var needed = Amount > 0 ? Amount : 1;
        return used <= PlusGranted(limit, granted) - needed;
    }

    /// <summary>Returns a limit raised by grants, saturating at <see cref="long.MaxValue"/>.</summary>
    /// <param name="limit">The allowance.</param>
    /// <param name="granted">The grants, zero or more.</param>
    /// <returns><c>limit + granted</c>, or <see cref="long.MaxValue"/> when that would not fit.</returns>
    public static long PlusGranted(long limit, long granted)
        => granted <= 0 ? limit : limit > long.MaxValue - granted ? long.MaxValue : limit + granted;
}
