using NodaTime;

namespace Quota;

/// <summary>A validated, immutable policy as the service runs it.</summary>
public sealed class QuotaPolicy
{
    internal QuotaPolicy(string name, QuotaPolicyOptions options, QuotaPeriod period, DateTimeZone zone)
    {
        Name = name;
        Period = period;
        Zone = zone;
        Allowances = new Dictionary<string, long>(options.Allowances, StringComparer.Ordinal);
        AnchorMode = options.AnchorMode;
        Enforcement = options.Enforcement;
        FailureMode = options.FailureMode;
        StoreTimeout = options.StoreTimeout;
        SubjectCacheDuration = options.SubjectCacheDuration;
        Thresholds = options.Thresholds.ToDictionary(
            pair => pair.Key,
            pair => (IReadOnlyList<int>)pair.Value.Distinct().Order().ToArray(),
            StringComparer.Ordinal);
        AnchorProvider = options.AnchorProvider;
        SubjectProvider = options.SubjectProvider;
    }

    /// <summary>Gets the policy's name.</summary>
    public string Name { get; }

    /// <summary>Gets the cycle length.</summary>
    public QuotaPeriod Period { get; }

    /// <summary>Gets the time zone whose calendar the period follows.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>Gets the default allowances (meter → limit per cycle).</summary>
    public IReadOnlyDictionary<string, long> Allowances { get; }

    /// <summary>Gets each meter's alert thresholds in percent of its limit in the cycle, in ascending order (see <see cref="QuotaPolicyOptions.Thresholds"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>> Thresholds { get; }

    /// <summary>Gets where cycles are counted from.</summary>
    public QuotaAnchorMode AnchorMode { get; }

    /// <summary>Gets whether the policy refuses or only reports.</summary>
    public QuotaEnforcement Enforcement { get; }

    /// <summary>Gets what a consume answers when the store fails.</summary>
    public QuotaFailureMode FailureMode { get; }

    /// <summary>Gets how long a store call may take (see <see cref="QuotaPolicyOptions.StoreTimeout"/>).</summary>
    public TimeSpan StoreTimeout { get; }

    /// <summary>Gets how long provider results are cached.</summary>
    public TimeSpan SubjectCacheDuration { get; }

    /// <summary>Gets a value indicating whether allowances may differ per subject.</summary>
    public bool HasDynamicAllowances => SubjectProvider is not null;

    internal Func<string, CancellationToken, ValueTask<Instant>>? AnchorProvider { get; }

    internal Func<string, CancellationToken, ValueTask<QuotaSubjectDetail>>? SubjectProvider { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Period})";
}
