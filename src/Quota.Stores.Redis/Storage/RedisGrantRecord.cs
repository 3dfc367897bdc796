using System.Globalization;
using System.Text;
using NodaTime;

namespace Quota.Stores.Redis;

/// <summary>
/// How a grant is kept in its counter's hash (field <c>r:</c> and its number): <c>{granted at, unix 100 ns ticks}:{amount}:
/// {meter's length in bytes}:</c>, then the meter and the reason, both as generalized UTF-8 (<see cref="LosslessUtf8"/>),
/// so any meter name or reason comes back exactly.
/// </summary>
internal static class RedisGrantRecord
{
    public static byte[] Encode(QuotaGrant grant)
    {
        var meter = LosslessUtf8.GetBytes(grant.Meter);
        var reason = LosslessUtf8.GetBytes(grant.Reason);
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{grant.GrantedAt.ToUnixTimeTicks()}:{grant.Amount}:{meter.Length}:"));
        return [.. head, .. meter, .. reason];
    }

    public static QuotaGrant Decode(ReadOnlySpan<byte> record)
    {
        var ticks = Number(ref record);
        var amount = Number(ref record);
        var length = (int)Number(ref record);
        if (length > record.Length)
        {
            throw new FormatException("A grant record of the Redis quota store is cut short.");
        }

        return new QuotaGrant(LosslessUtf8.GetString(record[..length]), amount, LosslessUtf8.GetString(record[length..]), Instant.FromUnixTimeTicks(ticks));
    }

    /// <summary>Reads a decimal number and the colon after it.</summary>
    private static long Number(ref ReadOnlySpan<byte> record)
    {
        var colon = record.IndexOf((byte)':');
        if (colon < 0 || !long.TryParse(record[..colon], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException("A grant record of the Redis quota store is not one it wrote; delete its counter's key to start the cycle afresh.");
        }

        record = record[(colon + 1)..];
        return value;
    }
}
