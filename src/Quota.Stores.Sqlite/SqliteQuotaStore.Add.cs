using NodaTime;

namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore
{
    /// <inheritdoc />
    public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, deltas.Span);
        return WriteAsync(
            new AddCall(counter, deltas, expiresAt, Limited: true, IdempotencyId: null),
            static (store, writer, call) => store.AddCore(writer, call),
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, deltas.Span, idempotencyId);
        return WriteAsync(
            new AddCall(counter, deltas, expiresAt, Limited: false, idempotencyId),
            static (store, writer, call) =>
            {
                var result = store.AddCore(writer, call);
                return new QuotaAddResult(result.Applied, result.Values, result.Granted);
            },
            cancellationToken);
    }

    /// <summary>
    /// Adds the deltas all-or-nothing. The usual consume — up to <see cref="SqliteSql.MaxLiveMeters"/> existing meters of a
    /// live counter — is one conditional statement; everything else is one <c>BEGIN IMMEDIATE</c> transaction that renews
    /// the counter, records the idempotency id and adds each delta, rolling back when one does not fit.
    /// </summary>
    /// <returns>The result; not applied with index -1 when the idempotency id had been applied before.</returns>
    private QuotaStoreResult AddCore(SqliteSession writer, in AddCall call)
    {
        var deltas = call.Deltas.Span;
        var now = Now();
        var expires = call.ExpiresAt.ToUnixTimeTicks();
        if (call.IdempotencyId is null)
        {
            if (deltas.Length == 1)
            {
                if (SqliteCounters.TryIncrementLive(writer, call.Counter, deltas[0], SqliteRoom.Of(deltas[0], call.Limited), now, expires, out var single, out var granted))
                {
                    return granted == 0
                        ? new QuotaStoreResult(true, -1, new QuotaCounterValues(single))
                        : new QuotaStoreResult(true, -1, new QuotaCounterValues(single), new QuotaCounterValues(granted));
                }
            }
            else if (deltas.Length <= SqliteSql.MaxLiveMeters)
            {
                var live = new long[deltas.Length];
                var granted = new long[deltas.Length];
                if (SqliteCounters.TryIncrementAllLive(writer, call.Counter, deltas, call.Limited, now, expires, live, granted))
                {
                    return Result(true, -1, live, granted);
                }
            }
        }

        var values = new long[deltas.Length];
        var grants = new long[deltas.Length];
        writer.Begin();
        try
        {
            SqliteCounters.Renew(writer, call.Counter, now, expires);
            if (call.IdempotencyId is { } id && !SqliteCounters.TryRecordId(writer, call.Counter, id))
            {
                ReadMeters(writer, call.Counter, deltas, values, grants, from: 0);
                writer.Commit();
                return Result(false, -1, values, grants);
            }

            for (var i = 0; i < deltas.Length; i++)
            {
                if (!SqliteCounters.TryIncrement(writer, call.Counter, deltas[i], SqliteRoom.Of(deltas[i], call.Limited), out values[i], out grants[i]))
                {
                    var refused = Refuse(writer, call, values, grants, i);
                    writer.Rollback();
                    return refused;
                }
            }

            writer.Commit();
            return Result(true, -1, values, grants);
        }
        catch
        {
            writer.Rollback();
            throw;
        }
    }

    /// <summary>
    /// Reports the usage before this call when delta <paramref name="index"/> did not fit. When it did not fit because
    /// the meter would overflow, a later limited meter without room still makes the call a refusal (limits are tested
    /// before overflows, as on every store); otherwise the overflow throws.
    /// </summary>
    private static QuotaStoreResult Refuse(SqliteSession writer, in AddCall call, long[] values, long[] grants, int index)
    {
        var deltas = call.Deltas.Span;
        for (var j = 0; j < index; j++)
        {
            values[j] -= deltas[j].Amount;
        }

        ReadMeters(writer, call.Counter, deltas, values, grants, from: index);
        if (!call.Limited)
        {
            throw new QuotaOverflowException(call.Counter.Policy, deltas[index].Meter, deltas[index].Amount);
        }

        // Meters before index fitted (they were added), so the first limited meter without room is at index or later.
        for (var j = index; j < deltas.Length; j++)
        {
            if (!deltas[j].Fits(values[j], grants[j]))
            {
                return Result(false, j, values, grants);
            }
        }

        throw new QuotaOverflowException(call.Counter.Policy, deltas[index].Meter, deltas[index].Amount);
    }

    private static void ReadMeters(SqliteSession session, in QuotaCounterKey counter, ReadOnlySpan<QuotaMeterDelta> deltas, long[] values, long[] grants, int from)
    {
        for (var i = from; i < deltas.Length; i++)
        {
            SqliteCounters.ReadMeter(session, counter, deltas[i].Meter, out values[i], out grants[i]);
        }
    }

    /// <summary>The result, with the meters' grants only when the counter holds any (see <see cref="QuotaStoreResult.Granted"/>).</summary>
    private static QuotaStoreResult Result(bool applied, int refusedIndex, long[] values, long[] grants)
        => grants.AsSpan().ContainsAnyExcept(0)
            ? new QuotaStoreResult(applied, refusedIndex, ToValues(values), ToValues(grants))
            : new QuotaStoreResult(applied, refusedIndex, ToValues(values));

    private static QuotaCounterValues ToValues(long[] values) => values.Length == 1 ? new QuotaCounterValues(values[0]) : new QuotaCounterValues(values);

    /// <summary>The arguments of one add, passed through the write gate without a closure.</summary>
    private readonly record struct AddCall(QuotaCounterKey Counter, ReadOnlyMemory<QuotaMeterDelta> Deltas, Instant ExpiresAt, bool Limited, string? IdempotencyId);
}
