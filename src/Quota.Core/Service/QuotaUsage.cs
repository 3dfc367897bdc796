using NodaTime;

namespace Quota;

/// <summary>
/// A subject's usage of one policy in one cycle (Zuplo's <c>getUsage</c>: anchor date, next reset date, meters), with the
/// cycle's grants, the threshold alerts that fired in it and, on a leased policy, the units reserved in blocks.
/// </summary>
public sealed class QuotaUsage
{
    /// <summary>Initializes a usage report of a cycle without grants or alerts.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key usage is counted under.</param>
    /// <param name="anchorDate">The instant the subject's cycles are counted from.</param>
    /// <param name="cycle">The cycle.</param>
    /// <param name="meters">Each meter's used amount; meters at zero are left out of <see cref="Meters"/>.</param>
    /// <param name="limits">Each limited meter's limit.</param>
    public QuotaUsage(string policy, string key, Instant anchorDate, QuotaCycle cycle, IReadOnlyDictionary<string, long> meters, IReadOnlyDictionary<string, long> limits)
        : this(policy, key, anchorDate, cycle, meters, limits, [], [], EmptyMeters.Instance)
    {
    }

    /// <summary>Initializes a usage report with the cycle's grants, its fired alerts and the units held unspent in leased blocks.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key usage is counted under.</param>
    /// <param name="anchorDate">The instant the subject's cycles are counted from.</param>
    /// <param name="cycle">The cycle.</param>
    /// <param name="meters">Each meter's spent amount; meters at zero are left out of <see cref="Meters"/>.</param>
    /// <param name="allowances">Each limited meter's allowance; <see cref="Limits"/> adds the cycle's grants to it.</param>
    /// <param name="grants">The cycle's grants, oldest first.</param>
    /// <param name="alerts">The threshold alerts that fired in the cycle.</param>
    /// <param name="reserved">Each meter's units held unspent in leased blocks; meters at zero are left out of <see cref="Reserved"/>.</param>
    public QuotaUsage(
        string policy,
        string key,
        Instant anchorDate,
        QuotaCycle cycle,
        IReadOnlyDictionary<string, long> meters,
        IReadOnlyDictionary<string, long> allowances,
        IReadOnlyList<QuotaGrant> grants,
        IReadOnlyList<QuotaAlertMark> alerts,
        IReadOnlyDictionary<string, long> reserved)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(allowances);
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(reserved);
        Policy = policy;
        Key = key;
        AnchorDate = anchorDate;
        Cycle = cycle;
        Meters = NonZero(meters);
        Reserved = NonZero(reserved);
        Grants = grants;
        Alerts = alerts;
        Granted = GrantTotals.Of(grants);
        var limits = new Dictionary<string, long>(allowances.Count, StringComparer.Ordinal);
        var remaining = new Dictionary<string, long>(allowances.Count, StringComparer.Ordinal);
        foreach (var (meter, allowance) in allowances)
        {
            var limit = QuotaMeterDelta.PlusGranted(allowance, Granted.GetValueOrDefault(meter));
            limits[meter] = limit;
            remaining[meter] = Math.Max(0, limit - Meters.GetValueOrDefault(meter) - Reserved.GetValueOrDefault(meter));
        }

        Limits = limits;
        Remaining = remaining;
    }

    /// <summary>Gets the policy's name.</summary>
    public string Policy { get; }

    /// <summary>Gets the subject key usage is counted under.</summary>
    public string Key { get; }

    /// <summary>Gets the instant the subject's cycles are counted from.</summary>
    public Instant AnchorDate { get; }

    /// <summary>Gets the instant usage next resets (the end of the cycle).</summary>
    public Instant NextResetDate => Cycle.End;

    /// <summary>Gets the cycle.</summary>
    public QuotaCycle Cycle { get; }

    /// <summary>
    /// Gets each meter the subject has used in the cycle, with the amount used (on a leased policy, the amount spent:
    /// another instance's grants show here within one settle interval, the answering instance's at once). As in Zuplo's
    /// <c>getUsage</c>, a meter not counted in this cycle (or whose use was all refunded) is left out; read
    /// <see cref="Limits"/> and <see cref="Remaining"/> for every limited meter, and <c>Meters.GetValueOrDefault(meter)</c>
    /// for a meter's amount.
    /// </summary>
    public IReadOnlyDictionary<string, long> Meters { get; }

    /// <summary>Gets each limited meter's limit in the cycle, whether used or not: its allowance plus the cycle's grants (<see cref="Granted"/>).</summary>
    public IReadOnlyDictionary<string, long> Limits { get; }

    /// <summary>
    /// Gets each meter's units that instances hold in leased blocks and have not spent (see <see cref="QuotaLeaseOptions"/>);
    /// empty when the policy does not lease. They are neither spent nor free: an instance grants from them without asking
    /// the store, and gives back what it does not spend within a settle interval.
    /// </summary>
    public IReadOnlyDictionary<string, long> Reserved { get; }

    /// <summary>
    /// Gets what is left of each limited meter's limit (the whole limit for a meter not used yet), never negative: the limit
    /// less what is spent and less what is <see cref="Reserved"/>.
    /// </summary>
    public IReadOnlyDictionary<string, long> Remaining { get; }

    /// <summary>Gets each meter's total grants in the cycle; only meters that have some.</summary>
    public IReadOnlyDictionary<string, long> Granted { get; }

    /// <summary>Gets the cycle's grants with their reasons, oldest first (see <see cref="IQuotaService.GrantAsync"/>).</summary>
    public IReadOnlyList<QuotaGrant> Grants { get; }

    /// <summary>Gets the threshold alerts that fired in the cycle (see <see cref="QuotaPolicyOptions.Thresholds"/>).</summary>
    public IReadOnlyList<QuotaAlertMark> Alerts { get; }

    private static Dictionary<string, long> NonZero(IReadOnlyDictionary<string, long> amounts)
    {
        var kept = new Dictionary<string, long>(amounts.Count, StringComparer.Ordinal);
        foreach (var (meter, amount) in amounts)
        {
            if (amount != 0)
            {
                kept[meter] = amount;
            }
        }

        return kept;
    }
}
