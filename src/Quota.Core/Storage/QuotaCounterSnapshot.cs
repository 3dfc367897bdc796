namespace Quota;

/// <summary>
/// Everything a store keeps for one counter (one subject, policy and cycle): each meter's usage, the cycle's grants with
/// their reasons, and the threshold alerts that fired in it. Read with <see cref="IQuotaStore.ReadCountersAsync"/>.
/// </summary>
public sealed class QuotaCounterSnapshot
{
    /// <summary>Initializes a snapshot.</summary>
    /// <param name="counter">The counter read.</param>
    /// <param name="meters">Each meter's usage; empty when the counter is absent or expired.</param>
    /// <param name="grants">The cycle's grants, oldest first.</param>
    /// <param name="alerts">The threshold alerts that fired in the cycle, in the order they fired.</param>
    public QuotaCounterSnapshot(QuotaCounterKey counter, IReadOnlyDictionary<string, long> meters, IReadOnlyList<QuotaGrant> grants, IReadOnlyList<QuotaAlertMark> alerts)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(alerts);
        Counter = counter;
        Meters = meters;
        Grants = grants;
        Alerts = alerts;
        Granted = GrantTotals.Of(grants);
    }

    /// <summary>Gets the counter read.</summary>
    public QuotaCounterKey Counter { get; }

    /// <summary>Gets each meter's usage in the cycle (a meter may be listed at zero).</summary>
    public IReadOnlyDictionary<string, long> Meters { get; }

    /// <summary>Gets the cycle's grants, oldest first.</summary>
    public IReadOnlyList<QuotaGrant> Grants { get; }

    /// <summary>Gets each meter's total grants in the cycle (only meters that have some).</summary>
    public IReadOnlyDictionary<string, long> Granted { get; }

    /// <summary>Gets the threshold alerts that fired in the cycle.</summary>
    public IReadOnlyList<QuotaAlertMark> Alerts { get; }

    /// <summary>Gets a value indicating whether the store holds nothing for the counter: no usage, no grant, no alert.</summary>
    public bool IsEmpty => Grants.Count == 0 && Alerts.Count == 0 && !Meters.Values.Any(v => v != 0);

    /// <summary>Creates the snapshot of a counter the store does not hold (absent or expired).</summary>
    /// <param name="counter">The counter.</param>
    /// <returns>An empty snapshot.</returns>
    public static QuotaCounterSnapshot Empty(QuotaCounterKey counter) => new(counter, EmptyMeters.Instance, [], []);
}
