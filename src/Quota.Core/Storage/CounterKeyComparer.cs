namespace Quota;

/// <summary>
/// Compares counter keys in full but hashes only the subject key and the cycle start: a policy name is shared by
/// every counter of the policy, so hashing it again on every call buys almost no spread.
/// </summary>
internal sealed class CounterKeyComparer : IEqualityComparer<QuotaCounterKey>
{
    public static readonly CounterKeyComparer Instance = new();

    public bool Equals(QuotaCounterKey x, QuotaCounterKey y)
        => x.CycleStart == y.CycleStart
            && string.Equals(x.Key, y.Key, StringComparison.Ordinal)
            && string.Equals(x.Policy, y.Policy, StringComparison.Ordinal);

    public int GetHashCode(QuotaCounterKey key)
        => HashCode.Combine(string.GetHashCode(key.Key, StringComparison.Ordinal), key.CycleStart.ToUnixTimeTicks());
}
