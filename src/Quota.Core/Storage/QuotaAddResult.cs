namespace Quota;

/// <summary>The outcome of an unconditional add.</summary>
/// <param name="Applied"><see langword="false"/> when the idempotency id had already been applied to the counter, so nothing was added.</param>
/// <param name="Values">The usage of each delta's meter afterwards, in the order of the deltas.</param>
public readonly record struct QuotaAddResult(bool Applied, QuotaCounterValues Values)
{
    /// <summary>Initializes the outcome of an add to a counter that holds grants.</summary>
    /// <param name="applied">Whether the add was applied.</param>
    /// <param name="values">The usage of each delta's meter afterwards, in the order of the deltas.</param>
    /// <param name="granted">Each delta meter's total grants in the cycle, in the order of the deltas (see <see cref="Granted"/>).</param>
    public QuotaAddResult(bool applied, QuotaCounterValues values, QuotaCounterValues granted)
        : this(applied, values)
    {
        Granted = granted;
    }

    /// <summary>
    /// Gets each delta meter's total grants in the cycle, in the order of the deltas, or no values when the counter holds no
    /// grant: what the service needs to tell whether an unconditional add crossed a threshold of the allowance plus grants.
    /// </summary>
    public QuotaCounterValues Granted { get; init; }
}
