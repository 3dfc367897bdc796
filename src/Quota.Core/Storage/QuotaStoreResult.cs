namespace Quota;

/// <summary>The outcome of a conditional add: whether it was applied, and the meters' usage afterwards.</summary>
public readonly struct QuotaStoreResult
{
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

    /// <summary>Gets a value indicating whether every delta was added. When <see langword="false"/>, nothing was.</summary>
    public bool Applied { get; }

    /// <summary>Gets the index of the first delta that did not fit, or -1 when the add was applied.</summary>
    public int RefusedIndex { get; }

    /// <summary>Gets the usage of each delta's meter after the call (unchanged when refused), in the order of the deltas.</summary>
    public QuotaCounterValues Values { get; }
}
