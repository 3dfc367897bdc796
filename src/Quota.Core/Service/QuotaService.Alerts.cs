using System.Runtime.CompilerServices;
using NodaTime;

namespace Quota;

internal sealed partial class QuotaService
{
    /// <summary>
    /// Queues an alert for each threshold this add took a meter to or past: <c>before &lt; level &lt;= after</c>, where
    /// <c>level</c> is the threshold's share of the meter's limit (allowance plus grants), rounded up. Adds to one counter
    /// are serialised by the store, so at most one add reaches a given level; the store's mark
    /// (<see cref="IQuotaStore.TryMarkAlertAsync"/>) catches the rest — a level reached again after a refund, or moved by
    /// a grant — so an alert is delivered once per subject, meter, threshold and cycle. Each delta carries the limit that
    /// applied to it (a delta without one has no threshold); <paramref name="after"/> holds each meter's usage after the add.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WatchThresholds(PolicyRuntime runtime, string key, CycleBox box, long nowTicks, QuotaMeterDelta[] deltas, QuotaCounterValues after)
    {
        var thresholds = runtime.Thresholds!;
        for (var i = 0; i < deltas.Length && i < after.Count; i++)
        {
            var delta = deltas[i];
            if (delta.Amount <= 0 || delta.Limit is not { } limit || !thresholds.TryGetValue(delta.Meter, out var percents))
            {
                continue;
            }

            var used = after[i];
            var before = used - delta.Amount;
            foreach (var percent in percents)
            {
                var level = Level(limit, percent);
                if (before < level && level <= used)
                {
                    _alerts.Enqueue(new PendingAlert(
                        new QuotaCounterKey(runtime.Name, key, box.Cycle.Start),
                        delta.Meter,
                        percent,
                        used,
                        limit,
                        box.Anchor,
                        box.Cycle,
                        Instant.FromUnixTimeTicks(nowTicks),
                        box.ExpiresAt,
                        runtime.Policy.StoreTimeout));
                }
            }
        }
    }

    /// <summary>The usage at which <paramref name="percent"/> of <paramref name="limit"/> is reached: the share rounded up.</summary>
    internal static long Level(long limit, int percent)
    {
        var level = (((Int128)limit * percent) + 99) / 100;
        return level > long.MaxValue ? long.MaxValue : (long)level;
    }

    /// <summary>Gives a record's unlimited deltas the subject's limits (allowance plus grants), for the threshold check only.</summary>
    private static QuotaMeterDelta[] WithAllowances(QuotaMeterDelta[] deltas, IReadOnlyDictionary<string, long> allowances, QuotaCounterValues granted)
    {
        var limited = new QuotaMeterDelta[deltas.Length];
        for (var i = 0; i < deltas.Length; i++)
        {
            limited[i] = allowances.TryGetValue(deltas[i].Meter, out var allowance)
                ? deltas[i] with { Limit = QuotaMeterDelta.PlusGranted(allowance, granted.Count == deltas.Length ? granted[i] : 0) }
                : deltas[i];
        }

        return limited;
    }
}
