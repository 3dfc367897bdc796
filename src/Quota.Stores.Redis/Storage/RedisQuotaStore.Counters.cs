using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using NodaTime;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    private const string ExpiryField = "x";
    private const string MeterFieldPrefix = "m:";
    private const int Applied = 1;
    private const int Overflowed = 2;

    /// <inheritdoc />
    public ValueTask<QuotaStoreResult> TryAddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, deltas.Span);
        cancellationToken.ThrowIfCancellationRequested();

        // The store's own copy of the deltas: a queued add is read when its batch is sent, after the caller may have gone.
        var consume = new RedisPendingConsume(counter, _counterKeys.Get(counter), deltas.ToArray(), RedisMeterKinds.Of(deltas.Span), NowMilliseconds(), expiresAt.ToUnixTimeMilliseconds());
        var indexing = Index(counter.Policy, counter.Key);
        return indexing.IsCompleted ? SubmitAsync(consume, cancellationToken) : AfterIndexedAsync(SubmitAsync(consume, cancellationToken), indexing);
    }

    /// <inheritdoc />
    public ValueTask<QuotaAddResult> AddAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, Instant expiresAt, string? idempotencyId = null, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, deltas.Span, idempotencyId);
        cancellationToken.ThrowIfCancellationRequested();
        var span = deltas.Span;

        // ARGV: now, expiresAt, ttl, has-id flag, id, then name, amount, cap per meter (see add.lua).
        var args = new RedisValue[5 + (3 * span.Length)];
        ExpiryArguments(args, expiresAt);
        args[3] = idempotencyId is null ? "0" : "1";
        args[4] = RedisText.Of(idempotencyId ?? string.Empty);
        for (var i = 0; i < span.Length; i++)
        {
            args[5 + (3 * i)] = RedisText.Of(span[i].Meter);
            args[6 + (3 * i)] = span[i].Amount;
            args[7 + (3 * i)] = long.MaxValue - span[i].Amount;
        }

        return AddCoreAsync(counter, deltas, args, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<QuotaCounterValues> SubtractAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, deltas.Span);
        cancellationToken.ThrowIfCancellationRequested();
        var span = deltas.Span;

        // ARGV: now, then name and minus the amount per meter (see subtract.lua).
        var args = new RedisValue[1 + (2 * span.Length)];
        args[0] = NowMilliseconds();
        for (var i = 0; i < span.Length; i++)
        {
            args[1 + (2 * i)] = RedisText.Of(span[i].Meter);
            args[2 + (2 * i)] = -span[i].Amount;
        }

        return SubtractCoreAsync(counter, args, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, long>> ReadAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter);
        cancellationToken.ThrowIfCancellationRequested();
        var key = _counterKeys.Get(counter)[0];
        var entries = await CommandAsync(db => db.HashGetAllAsync(key), cancellationToken).ConfigureAwait(false);
        var now = NowMilliseconds();
        var meters = new Dictionary<string, long>(entries.Length, StringComparer.Ordinal);
        var live = false;
        foreach (var entry in entries)
        {
            var field = RedisText.Read(entry.Name);
            if (field == ExpiryField)
            {
                live = (long)entry.Value > now;
            }
            else if (field.StartsWith(MeterFieldPrefix, StringComparison.Ordinal))
            {
                meters[field[MeterFieldPrefix.Length..]] = (long)entry.Value;
            }
        }

        return live ? meters : ReadOnlyDictionary<string, long>.Empty;
    }

    /// <inheritdoc />
    public async ValueTask ResetAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter);
        cancellationToken.ThrowIfCancellationRequested();
        // Not a DEL: the counter's grants and alert marks outlive a reset (see reset.lua).
        await EvaluateAsync(RedisScript.Reset, _counterKeys.Get(counter), [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>ARGV of try_add.lua: now, expiresAt, TTL, kinds, then name, amount, cap per meter.</summary>
    private RedisValue[] TryAddArguments(RedisPendingConsume consume)
    {
        var deltas = consume.Deltas;
        var args = new RedisValue[4 + (3 * deltas.Length)];
        args[0] = consume.Now;
        args[1] = consume.ExpiresAt;
        args[2] = Math.Max(1, consume.ExpiresAt - consume.Now + _graceMilliseconds);
        args[3] = consume.Kinds;
        for (var i = 0; i < deltas.Length; i++)
        {
            var delta = deltas[i];
            args[4 + (3 * i)] = RedisText.Of(delta.Meter);
            args[5 + (3 * i)] = delta.Amount;
            args[6 + (3 * i)] = delta.Limit is { } limit ? limit - Math.Max(delta.Amount, 1) : long.MaxValue - delta.Amount;
        }

        return args;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<QuotaAddResult> AddCoreAsync(QuotaCounterKey counter, ReadOnlyMemory<QuotaMeterDelta> deltas, RedisValue[] args, CancellationToken cancellationToken)
    {
        var indexing = Index(counter.Policy, counter.Key);
        var reply = (RedisResult[])(await EvaluateAsync(RedisScript.Add, _counterKeys.Get(counter), args, cancellationToken).ConfigureAwait(false))!;
        await indexing.ConfigureAwait(false);
        var status = (int)reply[0];
        if (status == Overflowed)
        {
            throw Overflow(counter, deltas.Span[(int)reply[1]]);
        }

        var count = deltas.Length;
        return reply.Length >= 2 + (2 * count)
            ? new QuotaAddResult(status == Applied, Values(reply, 2, count), Values(reply, 2 + count, count))
            : new QuotaAddResult(status == Applied, Values(reply, 2, count));
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<QuotaCounterValues> SubtractCoreAsync(QuotaCounterKey counter, RedisValue[] args, CancellationToken cancellationToken)
    {
        var reply = (RedisResult[])(await EvaluateAsync(RedisScript.Subtract, [_counterKeys.Get(counter)[0]], args, cancellationToken).ConfigureAwait(false))!;
        return Values(reply, 0, reply.Length);
    }

    /// <summary>Fills ARGV[1..3]: now and the expiry in unix ms (the application's clock), and the physical TTL.</summary>
    private void ExpiryArguments(RedisValue[] args, Instant expiresAt)
    {
        var now = NowMilliseconds();
        var expires = expiresAt.ToUnixTimeMilliseconds();
        args[0] = now;
        args[1] = expires;
        args[2] = Math.Max(1, expires - now + _graceMilliseconds);
    }

    private long NowMilliseconds() => _clock.GetCurrentInstant().ToUnixTimeMilliseconds();

    /// <summary>Reads <paramref name="count"/> meter values from the reply, starting at <paramref name="first"/>.</summary>
    private static QuotaCounterValues Values(RedisResult[] reply, int first, int count)
    {
        if (count == 1)
        {
            return new QuotaCounterValues((long)reply[first]);
        }

        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (long)reply[first + i];
        }

        return new QuotaCounterValues(values);
    }

    private static QuotaOverflowException Overflow(QuotaCounterKey counter, QuotaMeterDelta delta) => new(counter.Policy, delta.Meter, delta.Amount);
}
