using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using NodaTime;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>
/// Names the Redis keys of a subject. Every key of one (policy, subject key) pair shares one hash tag, so Redis
/// Cluster keeps them in one slot, and the tag is a digest, so no character of a policy or key can reach the key name.
/// </summary>
/// <remarks>
/// <para>Layout, with the default prefix <c>quota</c>:</para>
/// <code>
/// quota:{tag}:c:1767225600000       counter hash of the cycle starting at that unix ms (".nnnnnn" appended for sub-ms starts)
/// quota:{tag}:ids:1767225600000     idempotency ids applied to that counter
/// quota:{tag}:anchor                first-use anchor
/// quota:{ptag}:subjects             the policy's listing index: a sorted set of its subject keys (ptag: the policy alone)
/// </code>
/// <para>
/// <c>tag</c> is the unpadded base64url of SHA-256 over: the policy's length in UTF-16 code units (4 bytes, little
/// endian), the policy's UTF-16LE code units, then the key's UTF-16LE code units. Hashing code units rather than
/// UTF-8 keeps even malformed strings (lone surrogates) apart; the length prefix keeps ("ab", "c") apart from ("a", "bc").
/// </para>
/// </remarks>
internal sealed class RedisQuotaKeys
{
    /// <summary>Base64url length of a 32-byte digest without padding.</summary>
    public const int TagLength = 43;

    private const int StackLimit = 512;
    private readonly string _prefix;

    public RedisQuotaKeys(string prefix) => _prefix = prefix;

    /// <summary>Returns the counter hash and its idempotency set.</summary>
    public (RedisKey Counter, RedisKey Ids) Counter(QuotaCounterKey counter)
    {
        var keys = CounterKeys(counter);
        return (keys[0], keys[1]);
    }

    /// <summary>Returns the counter hash and its idempotency set as the scripts take them: <c>[counter, ids]</c>.</summary>
    public RedisKey[] CounterKeys(QuotaCounterKey counter)
    {
        var tag = Tag(counter.Policy, counter.Key);
        var start = FormatInstant(counter.CycleStart);
        return [Compose(tag, ":c:", start), Compose(tag, ":ids:", start)];
    }

    /// <summary>
    /// Returns the key of the policy's listing index: a sorted set of its subject keys (as generalized UTF-8), in a slot
    /// of its own. Its tag is <see cref="Tag"/> of the policy and an empty key, which no subject has.
    /// </summary>
    public RedisKey Subjects(string policy) => Compose(Tag(policy, string.Empty), ":subjects", string.Empty);

    /// <summary>Returns the key of the subject's first-use anchor.</summary>
    public RedisKey Anchor(string policy, string key) => Compose(Tag(policy, key), ":anchor", string.Empty);

    /// <summary>Computes the hash tag of a (policy, key) pair, without braces.</summary>
    public static string Tag(string policy, string key)
    {
        var length = checked(4 + (2 * policy.Length) + (2 * key.Length));
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer, policy.Length);
            CopyUtf16LittleEndian(policy, buffer[4..]);
            CopyUtf16LittleEndian(key, buffer[(4 + (2 * policy.Length))..]);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer[..length], digest);
            return Base64Url.EncodeToString(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Formats an instant as unix milliseconds, with the sub-millisecond nanoseconds after a dot when there are any.</summary>
    public static string FormatInstant(Instant instant)
    {
        var milliseconds = instant.ToUnixTimeMilliseconds();
        var nanoseconds = (instant - Instant.FromUnixTimeMilliseconds(milliseconds)).ToInt64Nanoseconds();
        return nanoseconds == 0
            ? milliseconds.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{milliseconds}.{nanoseconds:D6}");
    }

    private string Compose(string tag, string kind, string suffix)
        => string.Concat(_prefix, ":{", tag, "}", kind, suffix);

    private static void CopyUtf16LittleEndian(string value, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(value.AsSpan()).CopyTo(destination);
            return;
        }

        for (var i = 0; i < value.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], value[i]);
        }
    }
}
