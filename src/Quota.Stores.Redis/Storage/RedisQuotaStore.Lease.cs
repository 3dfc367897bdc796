using System.Buffers.Text;
using NodaTime;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore : IQuotaLeaseStore
{
    private static readonly IReadOnlyDictionary<string, long> EmptyReserved = System.Collections.ObjectModel.ReadOnlyDictionary<string, long>.Empty;

    /// <inheritdoc />
    /// <remarks>One <c>EVALSHA</c> of lease.lua over the counter, its idempotency set and its leases hash (one slot).</remarks>
    public async ValueTask<QuotaLeaseResult> LeaseAsync(QuotaCounterKey counter, string holder, ReadOnlyMemory<QuotaLeaseDelta> deltas, Instant expiresAt, Instant leaseExpiresAt, CancellationToken cancellationToken = default)
    {
        StoreArguments.Validate(counter, holder, deltas.Span);
        cancellationToken.ThrowIfCancellationRequested();

        // ARGV: now, expiresAt, ttl, lease expiry, holder, then name, spent, held, limit per meter (see lease.lua).
        var args = LeaseArguments(deltas.Span, expiresAt, leaseExpiresAt, holder);
        var indexing = Index(counter.Policy, counter.Key);
        var reply = (RedisResult[])(await EvaluateAsync(RedisScript.Lease, _keys.LeaseKeys(counter), args, cancellationToken).ConfigureAwait(false))!;
        await indexing.ConfigureAwait(false);
        var n = deltas.Length;
        return new QuotaLeaseResult(Values(reply, 0, n), Values(reply, n, n), Values(reply, 2 * n, n), Values(reply, 3 * n, n));
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

    /// <summary>
    /// Sums a leases hash's live holdings per meter (as lease_reserved.lua does): field <c>e:</c> or <c>h:</c>, the holder's
    /// length in bytes, <c>:</c>, the holder, then (for <c>h:</c>) the meter's bytes; a holding counts while its holder's
    /// <c>e:</c> expiry is after <paramref name="now"/>.
    /// </summary>
    private static IReadOnlyDictionary<string, long> Reserved(HashEntry[] leases, long now)
    {
        if (leases.Length == 0)
        {
            return EmptyReserved;
        }

        var live = new HashSet<string>(StringComparer.Ordinal);
        var holdings = new List<(string Holder, string Meter, long Units)>();
        foreach (var entry in leases)
        {
            var field = (byte[])entry.Name!;
            if (!TryParseLeaseField(field, out var kind, out var holder, out var meter))
            {
                continue;
            }

            if (kind == (byte)'e')
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

        var reserved = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (holder, meter, units) in holdings)
        {
            if (units > 0 && live.Contains(holder))
            {
                reserved[meter] = reserved.GetValueOrDefault(meter) + units;
            }
        }

        return reserved.Count == 0 ? EmptyReserved : reserved;
    }

    private static bool TryParseLeaseField(ReadOnlySpan<byte> field, out byte kind, out string holder, out string meter)
    {
        kind = 0;
        holder = meter = string.Empty;
        if (field.Length < 4 || field[1] != (byte)':' || (field[0] != (byte)'h' && field[0] != (byte)'e'))
        {
            return false;
        }

        var rest = field[2..];
        var colon = rest.IndexOf((byte)':');
        if (colon <= 0 || !Utf8Parser.TryParse(rest[..colon], out int length, out var consumed) || consumed != colon || length < 0 || colon + 1 + length > rest.Length)
        {
            return false;
        }

        kind = field[0];
        holder = LosslessUtf8.GetString(rest.Slice(colon + 1, length));
        meter = LosslessUtf8.GetString(rest[(colon + 1 + length)..]);
        return true;
    }
}
