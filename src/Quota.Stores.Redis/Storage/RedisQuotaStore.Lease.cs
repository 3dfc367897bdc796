using System.Globalization;
using NodaTime;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore : IQuotaLeaseStore
{
    private const string HoldingFieldPrefix = "h:";
    private const string LeaseExpiryFieldPrefix = "e:";

    /// <inheritdoc />
    /// <remarks>One <c>EVALSHA</c> of lease.lua over the counter, its idempotency set and its leases hash (one slot).</remarks>
    public async ValueTask<QuotaLeaseResult> LeaseAsync(QuotaCounterKey counter, string holder, ReadOnlyMemory<QuotaLeaseDelta> deltas, Instant expiresAt, Instant leaseExpiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, holder, deltas.Span);
        cancellationToken.ThrowIfCancellationRequested();

        // ARGV: now, expiresAt, ttl, lease expiry, holder, then name, spent, held, limit per meter (see lease.lua).
        var args = LeaseArguments(deltas.Span, expiresAt, leaseExpiresAt, holder);
        var reply = (RedisResult[])(await EvaluateAsync(RedisScript.Lease, _keys.LeaseKeys(counter), args, cancellationToken).ConfigureAwait(false))!;
        return new QuotaLeaseResult(Values(reply, 0, deltas.Length), Values(reply, deltas.Length, deltas.Length));
    }

    private RedisValue[] LeaseArguments(ReadOnlySpan<QuotaLeaseDelta> span, Instant expiresAt, Instant leaseExpiresAt, string holder)
    {
        var args = new RedisValue[5 + (4 * span.Length)];
        ExpiryArguments(args, expiresAt);
        args[3] = leaseExpiresAt.ToUnixTimeMilliseconds();
        args[4] = RedisText.Of(holder);
        for (var i = 0; i < span.Length; i++)
        {
            args[5 + (4 * i)] = RedisText.Of(span[i].Meter);
            args[6 + (4 * i)] = span[i].Spent;
            args[7 + (4 * i)] = span[i].Held;
            args[8 + (4 * i)] = span[i].Limit is { } limit ? limit : RedisValue.EmptyString;
        }

        return args;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, long>> ReadHeldAsync(QuotaCounterKey counter, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = _keys.LeaseKeys(counter);
        var expiry = await CommandAsync(db => db.HashGetAsync(keys[0], ExpiryField), cancellationToken).ConfigureAwait(false);
        var entries = await CommandAsync(db => db.HashGetAllAsync(keys[2]), cancellationToken).ConfigureAwait(false);
        var now = NowMilliseconds();
        var held = new Dictionary<string, long>(StringComparer.Ordinal);
        if (expiry.IsNull || (long)expiry <= now)
        {
            return held;
        }

        var live = new HashSet<string>(StringComparer.Ordinal);
        var holdings = new List<(string Holder, string Meter, long Units)>();
        foreach (var entry in entries)
        {
            var field = RedisText.Read(entry.Name);
            if (!TryParseLeaseField(field, out var kind, out var holder, out var meter))
            {
                continue;
            }

            if (kind == LeaseExpiryFieldPrefix)
            {
                if ((long)entry.Value > now)
                {
                    live.Add(holder);
                }
            }
            else
            {
                holdings.Add((holder, meter, (long)entry.Value));
            }
        }

        foreach (var (holder, meter, units) in holdings)
        {
            if (live.Contains(holder) && units > 0)
            {
                held[meter] = held.GetValueOrDefault(meter) + units;
            }
        }

        return held;
    }

    /// <summary>Splits a leases-hash field (<c>h:</c> or <c>e:</c>, the holder's length, <c>:</c>, the holder, then the meter).</summary>
    private static bool TryParseLeaseField(string field, out string kind, out string holder, out string meter)
    {
        kind = holder = meter = string.Empty;
        var colon = field.IndexOf(':', 2);
        if (field.Length < 4 || colon < 0 || !int.TryParse(field.AsSpan(2, colon - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || colon + 1 + length > field.Length)
        {
            return false;
        }

        kind = field[..2];
        holder = field.Substring(colon + 1, length);
        meter = field[(colon + 1 + length)..];
        return kind is HoldingFieldPrefix or LeaseExpiryFieldPrefix;
    }
}
