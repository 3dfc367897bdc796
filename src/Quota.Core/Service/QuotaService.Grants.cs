using System.Globalization;

namespace Quota;

internal sealed partial class QuotaService
{
    public async ValueTask<QuotaUsage> GrantAsync(string policy, QuotaSubject subject, string meter, long amount, string reason, CancellationToken cancellationToken = default)
    {
        var runtime = Runtime(policy);
        ValidateSubject(runtime, subject);
        if (string.IsNullOrEmpty(meter))
        {
            throw new ArgumentException("Pass the meter the grant adds to, e.g. \"requests\".", nameof(meter));
        }

        if (amount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "Grant a positive amount, e.g. 5000. A grant cannot be taken back; it ends with the cycle.");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("Say why the grant is given, e.g. \"support ticket 4711\"; the reason is listed with it.", nameof(reason));
        }

        var now = _time.Exact();
        var resolved = await ResolveAsync(runtime, subject, now, setAnchor: true, cancellationToken).ConfigureAwait(false);
        if (!resolved.Allowances.TryGetValue(meter, out var allowance))
        {
            var limited = resolved.Allowances.Count == 0 ? "it has none" : "grant one of: " + string.Join(", ", resolved.Allowances.Keys.Order(StringComparer.Ordinal).Select(m => $"'{m}'"));
            throw new ArgumentException($"Meter '{meter}' of quota policy '{runtime.Name}' has no allowance for this subject, so it never refuses and a grant would change nothing ({limited}).", nameof(meter));
        }

        var counter = new QuotaCounterKey(runtime.Name, resolved.Key, resolved.Cycle.Start);
        var grant = new QuotaGrant(meter, amount, reason, now);
        var expiresAt = resolved.Box.ExpiresAt;
        var result = await StoreAsync(runtime, StoreOperation.Grant, token => _store.GrantAsync(counter, grant, long.MaxValue - allowance, expiresAt, token), cancellationToken).ConfigureAwait(false);
        if (!result.Applied)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, string.Create(CultureInfo.InvariantCulture, $"Granting {amount} more '{meter}' under quota policy '{runtime.Name}' would take the limit past {long.MaxValue} (allowance {allowance}, granted this cycle {result.Total}); nothing was granted. Grant at most {long.MaxValue - allowance - result.Total}."));
        }

        runtime.Local?.OnGranted(counter);
        return await ReadUsageAsync(runtime, resolved, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the subject's counter in full and reports it: usage, limits raised by grants, grants and alerts, and on a leased
    /// policy what is reserved in blocks, with this instance's own grants not yet reported counted as spent.
    /// </summary>
    private async ValueTask<QuotaUsage> ReadUsageAsync(PolicyRuntime runtime, Resolved resolved, CancellationToken cancellationToken)
    {
        var counter = new QuotaCounterKey(runtime.Name, resolved.Key, resolved.Cycle.Start);
        var snapshot = runtime.Local is { } local
            ? await StoreAsync(runtime, StoreOperation.ReadCounters, token => local.ReadAsync(counter, t => ReadCounterAsync(counter, t), token), cancellationToken).ConfigureAwait(false)
            : await StoreAsync(runtime, StoreOperation.ReadCounters, token => ReadCounterAsync(counter, token), cancellationToken).ConfigureAwait(false);
        return Usage(runtime, resolved.Anchor, resolved.Cycle, resolved.Allowances, snapshot);
    }

    private async ValueTask<QuotaCounterSnapshot> ReadCounterAsync(QuotaCounterKey counter, CancellationToken cancellationToken)
        => (await _store.ReadCountersAsync([counter], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>A counter's usage: on a leased policy, each meter's spent units (its value less what blocks hold) and the units reserved.</summary>
    private static QuotaUsage Usage(PolicyRuntime runtime, NodaTime.Instant anchor, QuotaCycle cycle, IReadOnlyDictionary<string, long> allowances, QuotaCounterSnapshot snapshot)
        => new(
            runtime.Name,
            snapshot.Counter.Key,
            anchor,
            cycle,
            snapshot.Reserved.Count == 0 ? snapshot.Meters : Spent(snapshot.Meters, snapshot.Reserved),
            allowances,
            snapshot.Grants,
            snapshot.Alerts,
            snapshot.Reserved);
}
