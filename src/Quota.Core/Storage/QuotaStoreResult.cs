namespace Quota;

/// <summary>The outcome of a conditional add: whether it was applied, and the meters' usage afterwards.</summary>
public readonly struct QuotaStoreResult
{
    // An array, not a second QuotaCounterValues: the common result (no grant) stays small enough for the consume path
    // to pass around in registers; a struct twice the size made the one-meter consume measurably slower.
    private readonly long[]? _granted;

    /// <summary>Initializes a result.</summary>
    /// <param name="applied">Whether every delta was added.</param>
    /// <param name="refusedIndex">The index of the first delta that did not fit, or -1 when applied.</param>
    /// <param name="values">The usage of each delta's meter after the call, in the order of the deltas.</param>
    public QuotaStoreResult(bool applied, int refusedIndex, QuotaCounterValues values)
    {
        Applied = applied;
        RefusedIndex = applied ? -1 : refusedIndex;
        Values = values;
    }

    /// <summary>Initializes a result of a counter that holds grants.</summary>
    /// <param name="applied">Whether every delta was added.</param>
    /// <param name="refusedIndex">The index of the first delta that did not fit, or -1 when applied.</param>
    /// <param name="values">The usage of each delta's meter after the call, in the order of the deltas.</param>
    /// <param name="granted">
    /// Each delta meter's total grants in the cycle, in the order of the deltas (zero for a meter without any), which
    /// the store added to the delta's limit; <see langword="default"/> (no values) when the counter holds no grant.
    /// </param>
    public QuotaStoreResult(bool applied, int refusedIndex, QuotaCounterValues values, QuotaCounterValues granted)
        : this(applied, refusedIndex, values)
    {
        _granted = granted.Count == 0 ? null : granted.ToArray();
    }

    /// <summary>Gets a value indicating whether every delta was added. When <see langword="false"/>, nothing was.</summary>
    public bool Applied { get; }

    /// <summary>Gets the index of the first delta that did not fit, or -1 when the add was applied.</summary>
    public int RefusedIndex { get; }

    /// <summary>Gets the usage of each delta's meter after the call (unchanged when refused), in the order of the deltas.</summary>
    public QuotaCounterValues Values { get; }

    /// <summary>
    /// Gets each delta meter's total grants in the cycle, in the order of the deltas, or no values (<see cref="QuotaCounterValues.Count"/>
    /// is 0) when the counter holds no grant. A limited delta fitted when it fitted within its limit plus its grants.
    /// </summary>
    public QuotaCounterValues Granted => _granted is null ? default : new QuotaCounterValues(_granted);

    /// <summary>Gets a value indicating whether the store reported grants (<see cref="Granted"/> has values).</summary>
    internal bool HasGranted => _granted is not null;
}
