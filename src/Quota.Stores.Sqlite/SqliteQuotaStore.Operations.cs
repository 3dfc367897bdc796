using System.Buffers.Text;
using NodaTime;

namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore
{
    /// <inheritdoc />
    public ValueTask<QuotaGrantResult> GrantAsync(QuotaCounterKey counter, QuotaGrant grant, long maxTotal, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateGrant(counter, grant, maxTotal);
        return WriteAsync(
            (counter, grant, maxTotal, expiresAt),
            static (store, writer, call) =>
            {
                // One write transaction: the total is checked and raised where consumes compare against it.
                writer.Begin();
                try
                {
                    SqliteCounters.Renew(writer, call.counter, store.Now(), call.expiresAt.ToUnixTimeTicks());
                    SqliteCounters.ReadMeter(writer, call.counter, call.grant.Meter, out _, out var total);
                    if (total > call.maxTotal - call.grant.Amount)
                    {
                        writer.Rollback();
                        return new QuotaGrantResult(false, total);
                    }

                    var after = SqliteCounters.AddGrant(writer, call.counter, call.grant);
                    writer.Commit();
                    return new QuotaGrantResult(true, after);
                }
                catch
                {
                    writer.Rollback();
                    throw;
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryMarkAlertAsync(QuotaCounterKey counter, QuotaAlertMark alert, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateAlert(counter, alert);
        return WriteAsync(
            (counter, alert, expiresAt),
            static (store, writer, call) =>
            {
                writer.Begin();
                try
                {
                    SqliteCounters.Renew(writer, call.counter, store.Now(), call.expiresAt.ToUnixTimeTicks());
                    var marked = SqliteCounters.TryMarkAlert(writer, call.counter, call.alert);
                    writer.Commit();
                    return marked;
                }
                catch
                {
                    writer.Rollback();
                    throw;
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<QuotaCounterSnapshot>> ReadCountersAsync(IReadOnlyList<QuotaCounterKey> counters, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateCounters(counters);
        return ReadAsync(
            counters,
            static (store, reader, counters) =>
            {
                var now = store.Now();
                var snapshots = new QuotaCounterSnapshot[counters.Count];
                reader.BeginRead();
                try
                {
                    for (var i = 0; i < snapshots.Length; i++)
                    {
                        snapshots[i] = SqliteCounters.ReadSnapshot(reader, counters[i], now);
                    }

                    reader.Commit();
                }
                catch
                {
                    reader.Rollback();
                    throw;
                }

                return (IReadOnlyList<QuotaCounterSnapshot>)snapshots;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Subjects are listed in the order of the file's primary keys (well-formed keys by their UTF-8 bytes, then keys with a
    /// lone surrogate), read from the anchors' and counters' own indexes, so a page costs the same however far into the
    /// listing it is. The continuation is the last key, as base64url of its generalized UTF-8.
    /// </remarks>
    public ValueTask<QuotaSubjectPage> ListSubjectsAsync(string policy, string? continuation, int limit, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateListing(policy, limit);
        var after = continuation is null ? string.Empty : DecodeContinuation(continuation);
        return ReadAsync(
            (policy, after, limit),
            static (store, reader, call) =>
            {
                var subjects = new List<QuotaStoredSubject>(Math.Min(call.limit, 1024));
                var more = false;
                using (var rows = reader[SqliteSql.ListSubjects].Bind(0, call.policy).Bind(1, call.after).Bind(2, store.Now()).Bind(3, call.limit + 1L).Query())
                {
                    while (rows.Read())
                    {
                        if (subjects.Count == call.limit)
                        {
                            more = true;
                            break;
                        }

                        subjects.Add(new QuotaStoredSubject(SqliteText.Read(rows, 0), rows.IsDBNull(1) ? null : Instant.FromUnixTimeTicks(rows.GetInt64(1))));
                    }
                }

                return new QuotaSubjectPage(subjects, more ? Base64Url.EncodeToString(LosslessUtf8.GetBytes(subjects[^1].Key)) : null);
            },
            cancellationToken);
    }

    private static string DecodeContinuation(string continuation)
    {
        try
        {
            var key = LosslessUtf8.GetString(Base64Url.DecodeFromChars(continuation));
            return key.Length > 0 ? key : throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new ArgumentException("The continuation is not one this store issued. Pass the Continuation of the previous page, or null for the first page.", nameof(continuation), ex);
        }
    }
}
