using NodaTime;

namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore : IQuotaLeaseStore
{
    /// <inheritdoc />
    /// <remarks>
    /// One <c>BEGIN IMMEDIATE</c> transaction: the counter is renewed, each meter's holding and value are read and written,
    /// and the live holdings of the counter are summed.
    /// </remarks>
    public ValueTask<QuotaLeaseResult> LeaseAsync(QuotaCounterKey counter, string holder, ReadOnlyMemory<QuotaLeaseDelta> deltas, Instant expiresAt, Instant leaseExpiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, holder, deltas.Span);
        return WriteAsync(
            new LeaseCall(counter, holder, deltas, expiresAt, leaseExpiresAt),
            static (store, writer, call) => store.LeaseCore(writer, call),
            cancellationToken);
    }

    private QuotaLeaseResult LeaseCore(SqliteSession writer, in LeaseCall call)
    {
        var deltas = call.Deltas.Span;
        var now = Now();
        var held = new long[deltas.Length];
        var values = new long[deltas.Length];
        var granted = new long[deltas.Length];
        var reserved = new long[deltas.Length];
        writer.Begin();
        try
        {
            SqliteCounters.Renew(writer, call.Counter, now, call.ExpiresAt.ToUnixTimeTicks());
            for (var i = 0; i < deltas.Length; i++)
            {
                (held[i], values[i], granted[i]) = SqliteLeases.Apply(writer, call.Counter, call.Holder, deltas[i], now, call.LeaseExpiresAt.ToUnixTimeTicks());
            }

            var live = SqliteLeases.ReadHeld(writer, call.Counter, now);
            for (var i = 0; i < deltas.Length; i++)
            {
                reserved[i] = live.GetValueOrDefault(deltas[i].Meter);
            }

            writer.Commit();
            return new QuotaLeaseResult(QuotaCounterValues.From(held), QuotaCounterValues.From(values), QuotaCounterValues.From(granted), QuotaCounterValues.From(reserved));
        }
        catch
        {
            writer.Rollback();
            throw;
        }
    }

    /// <summary>The arguments of one lease call, passed through the write gate without a closure.</summary>
    private readonly record struct LeaseCall(QuotaCounterKey Counter, string Holder, ReadOnlyMemory<QuotaLeaseDelta> Deltas, Instant ExpiresAt, Instant LeaseExpiresAt);
}
