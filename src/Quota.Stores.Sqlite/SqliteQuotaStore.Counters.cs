namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore
{
    /// <inheritdoc />
    public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, deltas.Span);
        return WriteAsync(
            (counter, deltas),
            static (store, writer, call) =>
            {
                var deltas = call.deltas.Span;
                var now = store.Now();
                if (deltas.Length == 1)
                {
                    // One statement: atomic on its own.
                    return new QuotaCounterValues(SqliteCounters.SubtractLive(writer, call.counter, deltas[0], now));
                }

                var values = new long[deltas.Length];
                writer.Begin();
                try
                {
                    for (var i = 0; i < deltas.Length; i++)
                    {
                        values[i] = SqliteCounters.SubtractLive(writer, call.counter, deltas[i], now);
                    }

                    writer.Commit();
                }
                catch
                {
                    writer.Rollback();
                    throw;
                }

                return new QuotaCounterValues(values);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter);
        return ReadAsync(counter, static (store, reader, counter) => SqliteCounters.ReadLive(reader, counter, store.Now()), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter);
        var reset = WriteAsync(
            counter,
            static (_, writer, counter) =>
            {
                writer.Begin();
                try
                {
                    SqliteCounters.Reset(writer, counter);
                    writer.Commit();
                    return true;
                }
                catch
                {
                    writer.Rollback();
                    throw;
                }
            },
            cancellationToken);
        return reset.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(reset.AsTask());
    }
}
