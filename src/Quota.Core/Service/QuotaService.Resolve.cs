using NodaTime;

namespace Quota;

internal sealed partial class QuotaService
{
    /// <summary>
    /// A subject resolved for one call: the key to count under, its allowances, anchor and current cycle, and whether that
    /// cycle's box belongs to this subject alone (so it may cache the subject's counter).
    /// </summary>
    private readonly record struct Resolved(string Key, IReadOnlyDictionary<string, long> Allowances, QuotaMeterDelta[] DefaultDeltas, CycleBox Box, bool OwnsBox = false)
    {
        public Instant Anchor => Box.Anchor;

        public QuotaCycle Cycle => Box.Cycle;
    }

    /// <summary>
    /// Resolves the subject. The common cases — calendar anchor with the policy's allowances, or a cached first-use
    /// anchor — complete synchronously without allocating.
    /// </summary>
    private ValueTask<Resolved> ResolveAsync(PolicyRuntime runtime, QuotaSubject subject, Instant now, bool setAnchor, CancellationToken cancellationToken)
        => TryResolveCached(runtime, subject, now, out var resolved)
            ? new ValueTask<Resolved>(resolved)
            : ResolveSlowAsync(runtime, subject, now, setAnchor, cancellationToken);

    /// <summary>Resolves the subject from what is cached, without I/O: a remembered subject, or a calendar anchor.</summary>
    /// <remarks>
    /// A policy that grants locally remembers the subjects of a calendar policy too (each with its own cycle, which caches
    /// the subject's local counter for the fast path); other policies share one cycle and remember nothing.
    /// </remarks>
    private bool TryResolveCached(PolicyRuntime runtime, QuotaSubject subject, Instant now, out Resolved resolved)
    {
        var policy = runtime.Policy;
        if (subject.Allowances is null && subject.Anchor is null)
        {
            if (runtime.TryGetSubject(subject.Key, now, out var entry))
            {
                resolved = new Resolved(entry.Key, entry.Allowances, entry.DefaultDeltas, runtime.CycleAt(ref entry.Cycle, entry.Anchor, now), OwnsBox: true);
                return true;
            }

            if (runtime.Local is null && policy.SubjectProvider is null && runtime.CalendarAnchor is { } calendar)
            {
                resolved = new Resolved(subject.Key, policy.Allowances, runtime.DefaultDeltas, runtime.SharedCycleAt(calendar, now));
                return true;
            }
        }

        resolved = default;
        return false;
    }

    private async ValueTask<Resolved> ResolveSlowAsync(PolicyRuntime runtime, QuotaSubject subject, Instant now, bool setAnchor, CancellationToken cancellationToken)
    {
        var policy = runtime.Policy;
        var cacheable = subject.Allowances is null && subject.Anchor is null;
        var validUntil = Instant.MaxValue;
        var key = subject.Key;
        var allowances = subject.Allowances ?? policy.Allowances;
        if (subject.Allowances is null && policy.SubjectProvider is { } provider)
        {
            var detail = await CallProviderAsync(runtime, provider, subject.Key, "SubjectProvider", cancellationToken).ConfigureAwait(false)
                ?? throw new QuotaProviderException($"Quota policy '{runtime.Name}': SubjectProvider returned null for a subject. Return a QuotaSubjectDetail with the key to count under.");
            if (string.IsNullOrEmpty(detail.Key))
            {
                throw new QuotaProviderException($"Quota policy '{runtime.Name}': SubjectProvider returned an empty key. Return the key to count the subject under (e.g. its organisation id).");
            }

            key = detail.Key;
            allowances = detail.Allowances is null ? policy.Allowances : new Dictionary<string, long>(detail.Allowances, StringComparer.Ordinal);
            validUntil = Min(validUntil, now + Duration.FromTimeSpan(policy.SubjectCacheDuration));
        }

        Instant anchor;
        bool anchored = true;
        if (subject.Anchor is { } explicitAnchor)
        {
            anchor = explicitAnchor;
        }
        else
        {
            switch (policy.AnchorMode)
            {
                case QuotaAnchorMode.Calendar:
                    anchor = runtime.CalendarAnchor!.Value;
                    break;
                case QuotaAnchorMode.Function:
                    anchor = await CallProviderAsync(runtime, policy.AnchorProvider!, key, "AnchorProvider", cancellationToken).ConfigureAwait(false);
                    validUntil = Min(validUntil, now + Duration.FromTimeSpan(policy.SubjectCacheDuration));
                    break;
                default:
                    if (setAnchor)
                    {
                        anchor = await StoreAsync(runtime, StoreOperation.GetOrSetAnchor, token => _store.GetOrSetAnchorAsync(runtime.Name, key, now, token), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        var stored = await StoreAsync(runtime, StoreOperation.GetAnchor, token => _store.GetAnchorAsync(runtime.Name, key, token), cancellationToken).ConfigureAwait(false);

                        // A subject that never used the policy has no anchor yet: report the cycle that would start now, without storing it.
                        anchored = stored.HasValue;
                        anchor = stored ?? now;
                    }

                    break;
            }
        }

        var deltas = ReferenceEquals(allowances, policy.Allowances) ? runtime.DefaultDeltas : QuotaDeltas.Build(allowances, amounts: null);
        var box = runtime.NewCycle(anchor, now);
        if (cacheable && anchored && (validUntil == Instant.MaxValue || policy.SubjectCacheDuration > TimeSpan.Zero))
        {
            var entry = new SubjectEntry(key, anchor, allowances, deltas, validUntil);
            entry.Cycle = box;
            runtime.RememberSubject(subject.Key, entry);
        }

        return new Resolved(key, allowances, deltas, box);
    }

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;

    private static async ValueTask<T> CallProviderAsync<T>(PolicyRuntime runtime, Func<string, CancellationToken, ValueTask<T>> provider, string key, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await provider(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new QuotaProviderException($"Quota policy '{runtime.Name}': the application's {name} threw: {ex.Message}", ex);
        }
    }
}
