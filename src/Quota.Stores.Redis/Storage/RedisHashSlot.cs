namespace Quota.Stores.Redis;

/// <summary>
/// The Redis Cluster slot of a hash tag: CRC16 (XMODEM) of the tag's bytes, modulo 16384, as the cluster specification
/// defines it. Every key of a counter carries the same tag, so this is the slot of all of them.
/// </summary>
internal static class RedisHashSlot
{
    private const int SlotCount = 16384;
    private static readonly ushort[] Table = BuildTable();

    /// <summary>Returns the slot of keys whose hash tag (the text between the braces) is <paramref name="tag"/>.</summary>
    /// <param name="tag">The tag; ASCII (the store's tags are base64url), so its chars are its bytes.</param>
    public static int Of(string tag)
    {
        var crc = 0;
        foreach (var c in tag)
        {
            crc = ((crc << 8) ^ Table[((crc >> 8) ^ c) & 0xFF]) & 0xFFFF;
        }

        return crc % SlotCount;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < table.Length; i++)
        {
            var crc = i << 8;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = ((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1) & 0xFFFF;
            }

            table[i] = (ushort)crc;
        }

        return table;
    }
}
