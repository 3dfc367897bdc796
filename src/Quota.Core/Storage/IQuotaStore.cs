using NodaTime;

namespace Quota;

/// <summary>
/// Where usage lives. The contract is narrow and period-agnostic: the service computes cycles and limits, and a store
/// only keeps counters (one per policy, subject key and cycle start, each holding any number of meters) and first-use
/// anchors (one per policy and subject key), and applies the operations below atomically.
/// </summary>
/// <remarks>
/// <para>Every implementation must pass the store contract tests (<c>QuotaStoreContract</c>), which state these promises as tests:</para>
/// <list type="bullet">
/// <item><see cref="TryAddAsync"/> is all-or-nothing across its deltas, and exact under any number of concurrent callers
/// in any number of processes sharing the store: the granted total never exceeds a limit and no granted amount is lost.</item>
/// <item>A counter whose expiry has passed reads as empty and is eventually deleted; an add to it starts from zero.</item>
/// <item><see cref="AddAsync"/> with an idempotency id applies once per counter, however often it is retried; an empty id is refused (<see cref="StoreArguments.Validate(QuotaCounterKey, ReadOnlySpan{QuotaMeterDelta}, string)"/>).</item>
/// <item>An add that would take a meter past <see cref="long.MaxValue"/> throws <see cref="QuotaOverflowException"/> and changes nothing (nor records its idempotency id).</item>
/// <item><see cref="SubtractAsync"/> never takes a meter below zero.</item>
/// <item><see cref="GetOrSetAnchorAsync"/> sets the anchor once: racing callers all receive the one that won.</item>
/// <item><see cref="GrantAsync"/> raises a counter's limits atomically with its adds: a limited delta fits within its limit
/// plus the meter's grants in that counter, and grants go with the counter (they survive <see cref="ResetAsync"/>).</item>
/// <item><see cref="TryMarkAlertAsync"/> marks an alert once per counter, meter and threshold, across every handle on the store.</item>
/// <item><see cref="ListSubjectsAsync"/> pages through a policy's subjects, each once, and <see cref="ReadCountersAsync"/>
/// reads any number of counters in full (usage, grants, alerts).</item>
/// </list>
/// <para>
/// Policies, subject keys, meter names and idempotency ids are data: a store must keep any string apart from any other,
/// whatever characters it holds — lone UTF-16 surrogates, normalisation forms (NFC and NFD), case and whitespace
/// included — and give back exactly the meter names it was given. A store that keeps them as bytes can use
/// <see cref="LosslessUtf8"/>, which plain UTF-8 is not (it turns every lone surrogate into U+FFFD).
/// </para>
/// <para>
/// Every method's <c>cancellationToken</c> is the call's one deadline as well as the caller's cancellation: through
/// <c>IQuotaService</c> it is cancelled when the policy's <see cref="QuotaPolicyOptions.StoreTimeout"/> has passed. The
/// service keeps no timer of its own, so a store must honour the token:
/// </para>
/// <list type="bullet">
/// <item>a call whose token is cancelled before it reaches the store's storage (already at the call, or while it waits
/// in the store's own queue) fails with <see cref="OperationCanceledException"/> and is never applied later;</item>
/// <item>a call that is waiting for its storage's answer when the token is cancelled stops waiting and fails with
/// <see cref="OperationCanceledException"/>; the store's documentation says whether it may still be applied;</item>
/// <item>a call that completed reports its result, even if the token was cancelled meanwhile; the token is not used
/// after the call has completed.</item>
/// </list>
/// </remarks>
public interface IQuotaStore
{
    /// <summary>Adds every delta to the counter if every limited meter has room, else changes nothing.</summary>
    /// <param name="counter">The counter to add to; created when absent.</param>
    /// <param name="deltas">The meters and amounts, each with its limit when it has one. Meter names are distinct.</param>
    /// <param name="expiresAt">When the counter may be deleted; later calls may extend it, never shorten it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the add was applied, the first delta that did not fit, and the usage afterwards.</returns>
    ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Adds every delta to the counter unconditionally (limits are ignored), once per idempotency id.</summary>
    /// <param name="counter">The counter to add to; created when absent.</param>
    /// <param name="deltas">The meters and amounts.</param>
    /// <param name="expiresAt">When the counter may be deleted.</param>
    /// <param name="idempotencyId">
    /// An id that makes the add exactly-once for this counter: an add whose id was already applied to the counter is not
    /// applied again. <see langword="null"/> applies every call.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The usage of each delta's meter afterwards, and whether this call applied the add.</returns>
    ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default);

    /// <summary>Subtracts every delta's amount from the counter, stopping each meter at zero.</summary>
    /// <param name="counter">The counter; nothing happens when it is absent or expired.</param>
    /// <param name="deltas">The meters and amounts to give back.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The usage of each delta's meter afterwards.</returns>
    ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default);

    /// <summary>Reads every meter of the counter.</summary>
    /// <param name="counter">The counter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each meter's usage; empty when the counter is absent or expired.</returns>
    ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Empties the counter: every meter of that cycle reads zero and its idempotency ids are forgotten. The subject's anchor,
    /// and the cycle's grants and fired alerts (see <see cref="GrantAsync"/>, <see cref="TryMarkAlertAsync"/>), are kept.
    /// </summary>
    /// <param name="counter">The counter.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the counter is gone.</returns>
    ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default);

    /// <summary>Returns the subject's first-use anchor, setting it to <paramref name="candidate"/> atomically when it has none.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key.</param>
    /// <param name="candidate">The anchor to set when none is stored (the time of first use).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored anchor: <paramref name="candidate"/> if this call set it, else the one set before.</returns>
    ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default);

    /// <summary>Returns the subject's first-use anchor without setting one.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored anchor, or <see langword="null"/> when the subject has not used the policy yet.</returns>
    ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a grant to the counter's cycle, atomically with its adds: from then on a limited delta of that meter fits
    /// when it fits within its limit plus the meter's total grants in the counter. The grant is kept with its reason beside
    /// the counter, survives <see cref="ResetAsync"/>, and goes when the counter expires.
    /// </summary>
    /// <param name="counter">The counter; created (without usage) when absent.</param>
    /// <param name="grant">The grant: meter, positive amount, reason and time.</param>
    /// <param name="maxTotal">
    /// The most the meter's grants in the counter may total (the service passes <c>long.MaxValue</c> minus the allowance, so
    /// allowance plus grants never overflows): a grant that would pass it is not applied.
    /// </param>
    /// <param name="expiresAt">When the counter may be deleted; as for <see cref="TryAddAsync"/>, extended, never shortened.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the grant was applied, and the meter's total grants in the counter afterwards.</returns>
    ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks that a threshold alert fired for the counter, unless it was marked already: of any number of calls with the
    /// same counter, meter and percent, on any handle of the store, exactly one returns <see langword="true"/>. Marks are
    /// kept beside the counter, survive <see cref="ResetAsync"/>, and go when the counter expires.
    /// </summary>
    /// <param name="counter">The counter the alert belongs to; created (without usage) when absent.</param>
    /// <param name="alert">The meter, the threshold in percent, and when it fired.</param>
    /// <param name="expiresAt">When the counter may be deleted; extended, never shortened.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when this call marked it; <see langword="false"/> when it had been marked before.</returns>
    ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Reads counters in full: each meter's usage, the cycle's grants and the alerts that fired in it.</summary>
    /// <param name="counters">The counters, of any policies and subjects.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One snapshot per counter, in the order given; an absent or expired counter gives an empty snapshot.</returns>
    ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists a page of the policy's subjects: every subject key that has a first-use anchor or a live counter of the
    /// policy, each with its anchor. Pages are in an order the store defines and continue from the last one: a subject
    /// that exists for the whole listing is listed exactly once across the pages. A store may also list subjects whose
    /// counters have expired since (their counters read empty).
    /// </summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="continuation">
    /// The <see cref="QuotaSubjectPage.Continuation"/> of the previous page, or <see langword="null"/> for the first. A store
    /// issues continuations made of URL-unreserved characters only (<c>A–Z a–z 0–9 - . _ ~</c>), so they travel in links.
    /// </param>
    /// <param name="limit">The most subjects in the page, at least 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page; its continuation is <see langword="null"/> after the last subject.</returns>
    ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default);
}
