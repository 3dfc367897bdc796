using System.Runtime.CompilerServices;

namespace Quota;

internal sealed partial class QuotaService
{
    /// <summary>
    /// The hottest path: the default consume (<c>requests += 1</c>) of a remembered subject on the in-memory store. One
    /// dictionary lookup (the subject), no wall-clock read while an extrapolated time lies safely inside the subject's
    /// cycle, and one lock on the counter cached on that cycle. Anything else — a subject not remembered yet, a cycle
    /// that has moved or is near its edge, a counter reset or swept, shadow enforcement, a cancelled token — returns
    /// <see langword="false"/> and takes the general path, which decides exactly and refreshes what is cached here.
    /// </summary>
    private bool TryConsumeInMemory(PolicyRuntime runtime, string key, CancellationToken cancellationToken, out QuotaDecision decision)
    {
        if (TryGetCachedCounter(runtime, key, cancellationToken, out var entry, out var box, out var counter, out var nowTicks)
            && _memory!.TryAdd(counter, entry.DefaultDeltas, out var result))
        {
            decision = Decide(runtime, entry.Key, box, nowTicks, entry.DefaultDeltas, result);
            return true;
        }

        decision = default;
        return false;
    }

    /// <summary>
    /// The same path for a caller's amounts (say <c>requests</c> and <c>tokens</c>). Kept apart from the default consume,
    /// whose stack frame would grow with it. An add that would take a meter past <see cref="long.MaxValue"/> throws
    /// <see cref="QuotaOverflowException"/> here, as it would on the general path.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryConsumeInMemory(PolicyRuntime runtime, string key, IReadOnlyDictionary<string, long> amounts, CancellationToken cancellationToken, out QuotaDecision decision)
    {
        if (TryGetCachedCounter(runtime, key, cancellationToken, out var entry, out var box, out var counter, out var nowTicks))
        {
            var deltas = QuotaDeltas.Build(entry.Allowances, amounts);
            if (_memory!.TryAdd(counter, deltas, out var result))
            {
                decision = Decide(runtime, entry.Key, box, nowTicks, deltas, result);
                return true;
            }
        }

        decision = default;
        return false;
    }

    /// <summary>Finds the subject's cached counter, when the fast path may use it now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetCachedCounter(
        PolicyRuntime runtime,
        string key,
        CancellationToken cancellationToken,
        out SubjectEntry entry,
        out CycleBox box,
        out InMemoryQuotaStore.Counter counter,
        out long nowTicks)
    {
        if (!_time.TryEstimate(out nowTicks))
        {
            nowTicks = _time.Exact().ToUnixTimeTicks();
        }

        if (runtime.InMemoryFastPath
            && !cancellationToken.IsCancellationRequested
            && runtime.TryGetSubject(key, out entry)
            && nowTicks < entry.ValidUntilTicks
            && entry.Cycle is { } cycle
            && cycle.SafeStartTicks <= nowTicks && nowTicks < cycle.SafeEndTicks
            && cycle.Counter is { } cached)
        {
            box = cycle;
            counter = cached;
            return true;
        }

        entry = null!;
        box = null!;
        counter = null!;
        return false;
    }
}
