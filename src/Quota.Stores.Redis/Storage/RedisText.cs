using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>
/// Meter names and idempotency ids as Redis strings, without loss: a well-formed string as its UTF-8 (what the client
/// sends for a string anyway), a string with a lone UTF-16 surrogate as its generalized UTF-8 bytes, which the client's
/// UTF-8 encoder would otherwise turn into U+FFFD (<see cref="LosslessUtf8"/>). Subject keys and policies need none of
/// this: they only reach Redis through the digest of their UTF-16 code units (<see cref="RedisQuotaKeys"/>).
/// </summary>
internal static class RedisText
{
    /// <summary>Returns the Redis value for <paramref name="value"/>.</summary>
    public static RedisValue Of(string value) => LosslessUtf8.IsWellFormed(value) ? value : LosslessUtf8.GetBytes(value);

    /// <summary>Reads back a string sent through <see cref="Of"/>.</summary>
    public static string Read(RedisValue value) => LosslessUtf8.GetString((byte[]?)value ?? []);
}
