using NodaTime;

namespace Quota;

/// <summary>A subject's usage of one policy in the current cycle (Zuplo's <c>getUsage</c>: anchor date, next reset date, meters).</summary>
public sealed class QuotaUsage
{
    /// <summary>Initializes a usage report.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key usage is counted under.</param>
    /// <param name="anchorDate">The instant the subject's cycles are counted from.</param>
    /// <param name="cycle">The current cycle.</param>
    /// <param name="meters">Each meter's used amount; meters at zero are left out of <see cref="Meters"/>.</param>
    /// <param name="limits">Each limited meter's allowance.</param>
    public QuotaUsage(string policy, string key, Instant anchorDate, QuotaCycle cycle, IReadOnlyDictionary<string, long> meters, IReadOnlyDictionary<string, long> limits)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(limits);
        Policy = policy;
        Key = key;
        AnchorDate = anchorDate;
        Cycle = cycle;
        var used = new Dictionary<string, long>(meters.Count, StringComparer.Ordinal);
        foreach (var (meter, amount) in meters)
        {
            if (amount != 0)
            {
                used[meter] = amount;
            }
        }

        Meters = used;
        Limits = limits;
        var remaining = new Dictionary<string, long>(limits.Count, StringComparer.Ordinal);
        foreach (var (meter, limit) in limits)
        {
            remaining[meter] = Math.Max(0, limit - used.GetValueOrDefault(meter));
        }

        Remaining = remaining;
    }

    /// <summary>Gets the policy's name.</summary>
    public string Policy { get; }

    /// <summary>Gets the subject key usage is counted under.</summary>
    public string Key { get; }

    /// <summary>Gets the instant the subject's cycles are counted from.</summary>
    public Instant AnchorDate { get; }

    /// <summary>Gets the instant usage next resets (the end of the current cycle).</summary>
    public Instant NextResetDate => Cycle.End;

    /// <summary>Gets the current cycle.</summary>
    public QuotaCycle Cycle { get; }

    /// <summary>
    /// Gets each meter the subject has used in the current cycle, with the amount used. As in Zuplo's <c>getUsage</c>, a
    /// meter not counted in this cycle (or whose use was all refunded) is left out; read <see cref="Limits"/> and
    /// <see cref="Remaining"/> for every limited meter, and <c>Meters.GetValueOrDefault(meter)</c> for a meter's amount.
    /// </summary>
    public IReadOnlyDictionary<string, long> Meters { get; }

    /// <summary>Gets each limited meter's allowance per cycle, whether used or not.</summary>
    public IReadOnlyDictionary<string, long> Limits { get; }

    /// <summary>Gets what is left of each limited meter's allowance (the whole allowance for a meter not used yet), never negative.</summary>
    public IReadOnlyDictionary<string, long> Remaining { get; }
}
