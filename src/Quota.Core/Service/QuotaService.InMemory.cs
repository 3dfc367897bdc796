using NodaTime;

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
        if (!_time.TryEstimate(out var nowTicks))
        {
            nowTicks = _time.Exact().ToUnixTimeTicks();
        }

        if (runtime.InMemoryFastPath
            && !cancellationToken.IsCancellationRequested
            && runtime.TryGetSubject(key, out var entry)
            && nowTicks < entry.ValidUntilTicks
            && entry.Cycle is { } box
            && box.SafeStartTicks <= nowTicks && nowTicks < box.SafeEndTicks
            && box.Counter is { } counter
            && _memory!.TryAdd(counter, entry.DefaultDeltas, out var result))
        {
            decision = Decide(runtime, entry.Key, box, nowTicks, entry.DefaultDeltas, result);
            return true;
        }

        decision = default;
        return false;
    }
}
