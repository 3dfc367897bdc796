using NodaTime;

namespace Quota;

/// <summary>
/// The answer to a consume: whether it may proceed, the cycle it was counted in, when usage resets, and each
/// involved meter's usage. A struct that allocates nothing until <see cref="Usage"/> is read.
/// </summary>
public readonly struct QuotaDecision
{
    private readonly CycleBox _cycle;
    private readonly long _nowTicks;
    private readonly QuotaMeterDelta[] _deltas;
    private readonly QuotaCounterValues _values;
    private readonly int _refusedIndex;

    internal QuotaDecision(
        QuotaOutcome outcome,
        QuotaPolicy policy,
        string key,
        CycleBox cycle,
        long nowTicks,
        QuotaMeterDelta[] deltas,
        QuotaCounterValues values,
        int refusedIndex,
        Exception? failure = null)
    {
        Outcome = outcome;
        Policy = policy;
        Key = key;
        _cycle = cycle;
        _nowTicks = nowTicks;
        _deltas = deltas;
        _values = values;
        _refusedIndex = refusedIndex;
        Failure = failure;
    }

    /// <summary>Gets how the consume was decided.</summary>
    public QuotaOutcome Outcome { get; }

    /// <summary>Gets a value indicating whether the caller may proceed (allowed, shadow, or failed open).</summary>
    public bool IsAllowed => Outcome is QuotaOutcome.Allowed or QuotaOutcome.ShadowRefused or QuotaOutcome.FailedOpen;

    /// <summary>Gets the policy that decided.</summary>
    public QuotaPolicy Policy { get; }

    /// <summary>Gets the subject key usage was counted under.</summary>
    public string Key { get; }

    /// <summary>Gets the instant the subject's cycles are counted from.</summary>
    public Instant AnchorDate => _cycle?.Anchor ?? default;

    /// <summary>Gets the cycle the consume was counted in (pass it to a refund to give back to that same cycle).</summary>
    public QuotaCycle Cycle => _cycle?.Cycle ?? default;

    /// <summary>Gets the instant usage next resets.</summary>
    public Instant NextResetDate => Cycle.End;

    /// <summary>Gets the time from the decision until the next reset: what a <c>Retry-After</c> header needs.</summary>
    public Duration TimeUntilReset => Cycle.TimeUntilReset(Instant.FromUnixTimeTicks(_nowTicks));

    /// <summary>Gets the store failure behind <see cref="QuotaOutcome.FailedOpen"/> or <see cref="QuotaOutcome.FailedClosed"/>.</summary>
    public Exception? Failure { get; }

    /// <summary>Gets the first meter that had no room (refused or shadow-refused), or <see langword="null"/>.</summary>
    public QuotaMeterUsage? RefusedMeter => _refusedIndex >= 0 && _refusedIndex < MeterCount ? GetMeter(_refusedIndex) : null;

    /// <summary>Gets the number of meters the decision reports: every limited meter of the policy and every meter consumed.</summary>
    public int MeterCount => _values.Count == 0 ? 0 : _deltas.Length;

    /// <summary>Gets the usage of the meter at <paramref name="index"/> after the decision.</summary>
    /// <param name="index">From 0 to <see cref="MeterCount"/> − 1.</param>
    /// <returns>The meter, its usage and its limit.</returns>
    public QuotaMeterUsage GetMeter(int index)
    {
        var delta = _deltas[index];
        return new QuotaMeterUsage(delta.Meter, _values[index], delta.Limit);
    }

    /// <summary>Gets the usage of the named meter after the decision, if the decision involved it.</summary>
    /// <param name="meter">The meter's name.</param>
    /// <param name="usage">The meter's usage.</param>
    /// <returns><see langword="true"/> when the decision reports that meter.</returns>
    public bool TryGetMeter(string meter, out QuotaMeterUsage usage)
    {
        for (var i = 0; i < MeterCount; i++)
        {
            if (string.Equals(_deltas[i].Meter, meter, StringComparison.Ordinal))
            {
                usage = GetMeter(i);
                return true;
            }
        }

        usage = default;
        return false;
    }

    /// <summary>
    /// Gets the usage this decision reports as a <see cref="QuotaUsage"/> (allocated on each read). Its meters are those
    /// the consume involved that have been used in the cycle, its limits every limited meter of the subject;
    /// <see cref="IQuotaService.GetUsageAsync"/> reads every meter of the cycle.
    /// </summary>
    public QuotaUsage Usage
    {
        get
        {
            var meters = new Dictionary<string, long>(MeterCount, StringComparer.Ordinal);
            var limits = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < MeterCount; i++)
            {
                var meter = GetMeter(i);
                meters[meter.Meter] = meter.Used;
                if (meter.Limit is { } limit)
                {
                    limits[meter.Meter] = limit;
                }
            }

            if (MeterCount == 0 && Policy is not null)
            {
                foreach (var (meter, limit) in Policy.Allowances)
                {
                    limits[meter] = limit;
                }
            }

            return new QuotaUsage(Policy?.Name ?? string.Empty, Key ?? string.Empty, AnchorDate, Cycle, meters, limits);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Outcome} {Policy?.Name}/{Key} in {Cycle}";
}
