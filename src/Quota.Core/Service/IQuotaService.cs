namespace Quota;

/// <summary>
/// The one question on the hot path — may this subject spend these amounts of these meters in the current cycle? —
/// answered atomically against the configured <see cref="IQuotaStore"/>, plus the bookkeeping around it.
/// </summary>
/// <remarks>
/// <para>
/// <b>The current cycle</b> of a call made at <c>now</c> is the cycle containing the later of <c>now</c> and the
/// subject's anchor: nothing is ever counted in a cycle that ends at or before the anchor. Concurrent first calls, and
/// app instances whose clocks differ, therefore share one allowance and one set of idempotency ids (see
/// <see cref="QuotaCycle"/>). Time is read from the application's NodaTime <c>IClock</c>.
/// </para>
/// <para>
/// <b>Bad input is thrown, not failed open</b>: an unknown policy, an empty key, a negative amount or an empty
/// idempotency id (<see cref="ArgumentException"/>), and an amount that would take a meter past
/// <see cref="long.MaxValue"/> (<see cref="QuotaOverflowException"/>). Nothing is counted for them, and only the store's
/// own failures meet the policy's <see cref="QuotaPolicy.FailureMode"/>.
/// </para>
/// </remarks>
public interface IQuotaService
{
    /// <summary>Gets every configured policy.</summary>
    IReadOnlyCollection<QuotaPolicy> Policies { get; }

    /// <summary>Returns the named policy.</summary>
    /// <param name="policy">The policy's name (case is ignored).</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentException">No policy has that name; the message lists those that exist.</exception>
    QuotaPolicy GetPolicy(string policy);

    /// <summary>Consumes one <c>requests</c> for the subject if every limited meter has room.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision; when refused, nothing was counted.</returns>
    ValueTask<QuotaDecision> TryConsumeAsync(string policy, string key, CancellationToken cancellationToken = default);

    /// <summary>Consumes the given amounts, all or nothing: if any limited meter lacks room, nothing is counted.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="key">The subject key.</param>
    /// <param name="amounts">Meter → amount, each zero or more, e.g. <c>{ requests = 1, tokens = 250 }</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision; when refused, nothing was counted.</returns>
    ValueTask<QuotaDecision> TryConsumeAsync(string policy, string key, IReadOnlyDictionary<string, long> amounts, CancellationToken cancellationToken = default);

    /// <summary>Consumes amounts for a subject whose allowances or anchor the caller supplies, all or nothing.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="subject">The subject, with optional allowances and anchor.</param>
    /// <param name="amounts">Meter → amount; <see langword="null"/> consumes one <c>requests</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision; when refused, nothing was counted.</returns>
    ValueTask<QuotaDecision> TryConsumeAsync(string policy, QuotaSubject subject, IReadOnlyDictionary<string, long>? amounts, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds usage known only after the work (tokens generated, rows written), unconditionally: it may take a meter past
    /// its allowance and is never refused; the next consume then is.
    /// </summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="amounts">Meter → amount, each zero or more.</param>
    /// <param name="idempotencyId">
    /// Makes the record exactly-once within the cycle: a retried record with the same id is not counted again, by this
    /// instance or another sharing the store. <see langword="null"/> counts every call; an empty string is refused.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="false"/> when <paramref name="idempotencyId"/> had already been recorded, so nothing was added.</returns>
    /// <exception cref="QuotaOverflowException">A meter would pass <see cref="long.MaxValue"/>; nothing was added.</exception>
    ValueTask<bool> RecordAsync(string policy, QuotaSubject subject, IReadOnlyDictionary<string, long> amounts, string? idempotencyId = null, CancellationToken cancellationToken = default);

    /// <summary>Gives usage back, never taking a meter below zero.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="amounts">Meter → amount; <see langword="null"/> gives back one <c>requests</c>.</param>
    /// <param name="cycle">The cycle to give back to (a decision's <see cref="QuotaDecision.Cycle"/>); <see langword="null"/> for the current one.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the usage is given back.</returns>
    ValueTask RefundAsync(string policy, QuotaSubject subject, IReadOnlyDictionary<string, long>? amounts = null, QuotaCycle? cycle = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the subject's usage in the current cycle without changing it (nor setting a first-use anchor).</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The anchor, the next reset, each meter used in the cycle (<see cref="QuotaUsage.Meters"/>; a meter not counted yet is
    /// left out), and each limited meter's limit and remaining amount.
    /// </returns>
    ValueTask<QuotaUsage> GetUsageAsync(string policy, QuotaSubject subject, CancellationToken cancellationToken = default);

    /// <summary>Sets every meter of the subject's current cycle back to zero. The anchor, the cycle's grants and the alerts that fired in it are kept.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the usage is reset.</returns>
    ValueTask ResetAsync(string policy, QuotaSubject subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives the subject <paramref name="amount"/> more of <paramref name="meter"/> for the rest of its current cycle: "5,000
    /// extra requests this month". The grant is kept in the store beside the cycle's counter, so every instance's consumes
    /// compare against the allowance plus the cycle's grants at once (decisions and <see cref="QuotaUsage.Limits"/> report
    /// the raised limit, and so HTTP headers do), and it ends with the cycle. It is listed with its reason in
    /// <see cref="QuotaUsage.Grants"/>. A grant cannot be taken back; <see cref="ResetAsync"/> keeps it.
    /// </summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="subject">The subject. For a first-use policy, a subject that has not used it yet starts its first cycle now.</param>
    /// <param name="meter">A meter the subject has an allowance of, e.g. <c>requests</c>.</param>
    /// <param name="amount">The amount to add, more than zero.</param>
    /// <param name="reason">Why, e.g. <c>support ticket 4711</c>; kept and listed with the grant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subject's usage in the cycle afterwards.</returns>
    /// <exception cref="ArgumentException">
    /// The amount is zero or negative, the meter has no allowance (it never refuses, so a grant would change nothing), the
    /// reason is empty, or the grant would take the limit past <see cref="long.MaxValue"/>: nothing was granted.
    /// </exception>
    /// <exception cref="QuotaStoreException">The store failed or did not answer within the policy's store timeout.</exception>
    ValueTask<QuotaUsage> GrantAsync(string policy, QuotaSubject subject, string meter, long amount, string reason, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the policy's subjects with their usage, each in its own cycle containing <see cref="QuotaListOptions.At"/>
    /// (now by default), one store page at a time, so a billing run over any number of subjects holds one page in memory.
    /// Each usage carries the anchor, cycle (and so the next reset), meters, limits, remaining, grants and fired alerts.
    /// </summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="options">What to list; <see langword="null"/> lists the current cycles, 1,000 subjects per store call.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The usages, in the store's order of subjects.</returns>
    /// <remarks>
    /// A subject is placed in its cycle by the policy's anchor mode: its stored first-use anchor, the calendar, or the
    /// <see cref="QuotaPolicyOptions.AnchorProvider"/>, which is called for each listed subject (as is a
    /// <see cref="QuotaPolicyOptions.SubjectProvider"/> for its allowances, when it maps the listed key to itself). Anchors and
    /// allowances that callers pass per call in a <see cref="QuotaSubject"/> are not stored, so the listing cannot know them.
    /// A listing's store calls are bounded by <paramref name="cancellationToken"/> only, not by the policy's
    /// <see cref="QuotaPolicy.StoreTimeout"/>; a store's failure is a <see cref="QuotaStoreException"/>.
    /// </remarks>
    IAsyncEnumerable<QuotaUsage> ListUsageAsync(string policy, QuotaListOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Lists one page of <see cref="ListUsageAsync"/>: for an HTTP endpoint that pages with a continuation token.</summary>
    /// <param name="policy">The policy's name.</param>
    /// <param name="options">What to list, and where to continue (<see cref="QuotaListOptions.Continuation"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page, and the continuation of the next one.</returns>
    ValueTask<QuotaUsagePage> GetUsagePageAsync(string policy, QuotaListOptions? options = null, CancellationToken cancellationToken = default);
}
