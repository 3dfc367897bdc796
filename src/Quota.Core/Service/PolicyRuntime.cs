using System.Collections.Concurrent;
using NodaTime;

namespace Quota;

/// <summary>A policy plus everything the hot path caches for it: default deltas, the calendar anchor, the current cycle and per-subject anchors.</summary>
internal sealed class PolicyRuntime
{
    private readonly ConcurrentDictionary<string, SubjectEntry> _subjects = new(StringComparer.Ordinal);
    private readonly int _maxSubjects;
    private int _subjectCount;
    private CycleBox? _sharedCycle;

    private readonly Duration _retention;

    public PolicyRuntime(QuotaPolicy policy, int maxSubjects, Duration retention)
    {
        Policy = policy;
        _retention = retention;
        _maxSubjects = maxSubjects;
        DefaultDeltas = QuotaDeltas.Build(policy.Allowances, amounts: null);
        InMemoryFastPath = policy.Enforcement == QuotaEnforcement.Enforce && policy.SubjectProvider is null;
        Thresholds = policy.Thresholds.Count == 0 ? null : policy.Thresholds;
        if (policy.AnchorMode == QuotaAnchorMode.Calendar)
        {
            CalendarAnchor = CalendarAnchors.For(policy.Period, policy.Zone);
        }
    }

    public QuotaPolicy Policy { get; }

    public string Name => Policy.Name;

    /// <summary>Gets or sets the string instance a caller last named this policy with (see <c>QuotaService.Runtime</c>).</summary>
    public string? LastName { get; set; }

    /// <summary>Gets the deltas of the default consume (<c>requests += 1</c>, other limited meters carried at 0) under the policy's own allowances.</summary>
    public QuotaMeterDelta[] DefaultDeltas { get; }

    public Instant? CalendarAnchor { get; }

    /// <summary>Gets each meter's alert thresholds, or <see langword="null"/> when the policy has none (the consume path then skips the check).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<int>>? Thresholds { get; }

    /// <summary>
    /// Gets a value indicating whether a default consume may take the in-memory fast path: enforced (a shadow policy
    /// records unconditionally) and without a subject provider (whose subjects count under another key).
    /// </summary>
    public bool InMemoryFastPath { get; }

    /// <summary>
    /// Returns the instant whose cycle a call at <paramref name="now"/> counts in: the later of <paramref name="now"/> and
    /// the anchor. A first-use anchor set by a racing caller, or by an instance whose clock runs ahead, can be later than
    /// this call's <paramref name="now"/>; counting in the cycle containing <paramref name="now"/> would then count in
    /// the cycle that ends at the anchor, whose counter no one else uses: a second allowance. So nothing is ever counted
    /// in a cycle that ends at or before the anchor.
    /// </summary>
    public static Instant CountedAt(Instant anchor, Instant now) => now < anchor ? anchor : now;

    /// <summary>Returns the cycle a call at <paramref name="now"/> counts in (see <see cref="CountedAt"/>), reusing the cached one while it is current.</summary>
    public CycleBox CycleAt(ref CycleBox? cache, Instant anchor, Instant now)
    {
        var box = Volatile.Read(ref cache);
        if (box is not null && box.Anchor == anchor && box.Cycle.Contains(CountedAt(anchor, now)))
        {
            return box;
        }

        box = NewCycle(anchor, now);
        Volatile.Write(ref cache, box);
        return box;
    }

    /// <summary>Computes the cycle a call at <paramref name="now"/> counts in (see <see cref="CountedAt"/>) without caching it.</summary>
    public CycleBox NewCycle(Instant anchor, Instant now)
        => new(anchor, QuotaCycle.Containing(anchor, Policy.Period, CountedAt(anchor, now), Policy.Zone), _retention);

    public CycleBox SharedCycleAt(Instant anchor, Instant now) => CycleAt(ref _sharedCycle, anchor, now);

    /// <summary>Finds a remembered subject, whatever its validity (see <see cref="SubjectEntry.ValidUntilTicks"/>).</summary>
    public bool TryGetSubject(string key, out SubjectEntry entry) => _subjects.TryGetValue(key, out entry!);

    public bool TryGetSubject(string key, Instant now, out SubjectEntry entry)
    {
        if (_subjects.TryGetValue(key, out entry!) && entry.ValidUntil > now)
        {
            return true;
        }

        entry = null!;
        return false;
    }

    public void RememberSubject(string key, SubjectEntry entry)
    {
        // A cache, not the source of truth: when it grows past its bound it starts afresh.
        if (Interlocked.Increment(ref _subjectCount) > _maxSubjects)
        {
            _subjects.Clear();
            Interlocked.Exchange(ref _subjectCount, 0);
        }

        _subjects[key] = entry;
    }
}

/// <summary>An immutable cycle for one anchor, with the expiry its counter gets; cached while the cycle is current.</summary>
internal sealed class CycleBox(Instant anchor, QuotaCycle cycle, Duration retention)
{
    private static readonly long MarginTicks = QuotaTimeSource.EdgeMargin.BclCompatibleTicks;

    /// <summary>
    /// Gets the first time, in Unix ticks, that lies safely inside the cycle: a quarter of a second after its start,
    /// so that neither an extrapolated reading nor a reading rounded down to ticks can stand for an instant outside it.
    /// </summary>
    public long SafeStartTicks { get; } = cycle.Start.ToUnixTimeTicks() + MarginTicks;

    /// <summary>Gets the end, in Unix ticks, of the span that lies safely inside the cycle: a quarter of a second before its end.</summary>
    public long SafeEndTicks { get; } = cycle.End.ToUnixTimeTicks() - MarginTicks;

    public Instant Anchor { get; } = anchor;

    public QuotaCycle Cycle { get; } = cycle;

    /// <summary>Gets when the cycle's counter may be deleted: the retention after its end, or the last instant NodaTime knows.</summary>
    public Instant ExpiresAt { get; } = cycle.End < Instant.MaxValue - retention ? cycle.End + retention : Instant.MaxValue;

    /// <summary>
    /// Gets or sets the in-memory store's counter for this cycle, cached so a consume skips the store's lookup. Only
    /// a box that belongs to one subject (never the calendar policy's shared box) caches a counter.
    /// </summary>
    public InMemoryQuotaStore.Counter? Counter { get; set; }
}

/// <summary>What the service knows about one subject of one policy: the key it counts under, its allowances and anchor.</summary>
internal sealed class SubjectEntry(string key, Instant anchor, IReadOnlyDictionary<string, long> allowances, QuotaMeterDelta[] defaultDeltas, Instant validUntil)
{
    private CycleBox? _cycle;

    public string Key { get; } = key;

    public Instant Anchor { get; } = anchor;

    public IReadOnlyDictionary<string, long> Allowances { get; } = allowances;

    public QuotaMeterDelta[] DefaultDeltas { get; } = defaultDeltas;

    public Instant ValidUntil { get; } = validUntil;

    /// <summary>Gets <see cref="ValidUntil"/> in Unix ticks, rounded down.</summary>
    public long ValidUntilTicks { get; } = validUntil == Instant.MaxValue ? long.MaxValue : validUntil.ToUnixTimeTicks();

    public ref CycleBox? Cycle => ref _cycle;
}
