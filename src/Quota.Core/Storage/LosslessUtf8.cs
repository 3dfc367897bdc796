using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Quota;

/// <summary>
/// Turns any .NET string into bytes and back without loss, for stores that keep keys, meter names and ids as bytes.
/// The encoding is generalized UTF-8 (known as WTF-8): exactly UTF-8 for every well-formed string, and a lone UTF-16
/// surrogate, which UTF-8 cannot represent and which <see cref="Encoding.UTF8"/> replaces with U+FFFD, becomes its own
/// three bytes (<c>ED A0 80</c> to <c>ED BF BF</c>). So two distinct strings always give distinct bytes, and a
/// well-formed string gives the same bytes as before, which keeps data written as UTF-8 readable.
/// </summary>
/// <remarks>
/// Those three-byte forms are not valid UTF-8, so bytes that hold a lone surrogate never equal the UTF-8 of any string;
/// a store may keep well-formed strings as text and only the others as bytes, and still never merge two of them.
/// </remarks>
public static class LosslessUtf8
{
    private const int StackLimit = 256;

    /// <summary>Returns whether <paramref name="value"/> is well-formed UTF-16 (no lone surrogate), so UTF-8 holds it without loss.</summary>
    /// <param name="value">The text.</param>
    /// <returns><see langword="true"/> when every surrogate in <paramref name="value"/> is half of a pair.</returns>
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        var i = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0)
        {
            return true;
        }

        for (; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Encodes a string, lone surrogates included.</summary>
    /// <param name="value">The text.</param>
    /// <returns>Its UTF-8 bytes, with each lone surrogate as its own three bytes.</returns>
    public static byte[] GetBytes(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var max = checked(3 * value.Length);
        byte[]? rented = null;
        var buffer = max <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var source = value.AsSpan();
            var written = 0;
            while (true)
            {
                var status = Utf8.FromUtf16(source, buffer[written..], out var read, out var wrote, replaceInvalidSequences: false);
                written += wrote;
                if (status == OperationStatus.Done)
                {
                    return buffer[..written].ToArray();
                }

                // InvalidData: a lone surrogate at source[read] (the buffer is large enough for every other status).
                var surrogate = source[read];
                buffer[written++] = 0xED;
                buffer[written++] = (byte)(0x80 | ((surrogate >> 6) & 0x3F));
                buffer[written++] = (byte)(0x80 | (surrogate & 0x3F));
                source = source[(read + 1)..];
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Decodes bytes made by <see cref="GetBytes"/> (or plain UTF-8) back into the string.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The string, lone surrogates included.</returns>
    /// <exception cref="ArgumentException">The bytes are neither UTF-8 nor a lone surrogate's three bytes.</exception>
    public static string GetString(ReadOnlySpan<byte> bytes)
    {
        char[]? rented = null;
        var buffer = bytes.Length <= StackLimit ? stackalloc char[StackLimit] : (rented = ArrayPool<char>.Shared.Rent(bytes.Length));
        try
        {
            var source = bytes;
            var written = 0;
            while (true)
            {
                var status = Utf8.ToUtf16(source, buffer[written..], out var read, out var wrote, replaceInvalidSequences: false);
                written += wrote;
                if (status == OperationStatus.Done)
                {
                    return new string(buffer[..written]);
                }

                source = source[read..];
                if (source.Length < 3 || source[0] != 0xED || (source[1] & 0xE0) != 0xA0 || (source[2] & 0xC0) != 0x80)
                {
                    throw new ArgumentException($"The bytes are not generalized UTF-8: byte {bytes.Length - source.Length} (0x{source[0]:X2}) starts neither a UTF-8 character nor a lone surrogate.", nameof(bytes));
                }

                buffer[written++] = (char)(0xD000 | ((source[1] & 0x3F) << 6) | (source[2] & 0x3F));
                source = source[3..];
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
