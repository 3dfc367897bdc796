using NodaTime;

namespace Quota.Stores.Sqlite;

// Interim, until this store keeps grants, alert marks and a subject listing (issue 17): the contract's new calls are
// refused here so that the solution builds while the store's implementation is written against its current schema/client.
public sealed partial class SqliteQuotaStore
{
    /// <inheritdoc />
    public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
        => throw NotYet();

    /// <inheritdoc />
    public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
        => throw NotYet();

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
        => throw NotYet();

    /// <inheritdoc />
    public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
        => throw NotYet();

    private static NotSupportedException NotYet() => new("Grants, alert marks and listings are not kept by the SQLite store yet (issue 17, in progress).");
}
