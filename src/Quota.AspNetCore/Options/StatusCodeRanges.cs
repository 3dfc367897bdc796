using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Quota.AspNetCore;

/// <summary>A parsed <see cref="QuotaHttpPolicyOptions.QuotaOnStatusCodes"/>: a bitmap of the statuses 100–599 that count.</summary>
internal sealed class StatusCodeRanges
{
    private const int Min = 100;
    private const int Max = 599;
    private readonly ulong[] _bits = new ulong[((Max - Min) / 64) + 1];

    private StatusCodeRanges(string text) => Text = text;

    /// <summary>Gets the default, <c>200-299</c>.</summary>
    public static StatusCodeRanges Default { get; } = Parse(QuotaHttpPolicyOptions.DefaultStatusCodes);

    public string Text { get; }

    public bool Contains(int status)
    {
        // One unsigned comparison rejects both sides: a status below 100 wraps to a huge offset.
        var offset = unchecked((uint)status - Min);
        return offset <= Max - Min && (_bits[offset >> 6] & (1UL << (int)(offset & 63))) != 0;
    }

    public static StatusCodeRanges Parse(string text)
        => TryParse(text, out var ranges, out var error) ? ranges : throw new FormatException(error);

    /// <summary>
    /// Parses <c>"200-299, 304"</c>: comma-separated single codes and inclusive ranges, each between 100 and 599. The error
    /// continues a sentence that names the setting and its value: "… is '30x', in which '30x' is not a status code …".
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out StatusCodeRanges? ranges, [NotNullWhen(false)] out string? error)
    {
        ranges = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "which lists no status code. Write single codes and ranges between 100 and 599, e.g. '200-299, 304'.";
            return false;
        }

        var result = new StatusCodeRanges(text.Trim());
        foreach (var raw in text.Split(','))
        {
            var part = raw.Trim();
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var lowText = dash < 0 ? part : part[..dash].Trim();
            var highText = dash < 0 ? part : part[(dash + 1)..].Trim();
            if (!TryCode(lowText, out var low) || !TryCode(highText, out var high))
            {
                error = $"in which '{part}' is not a status code or range. Write single codes and ranges between 100 and 599, e.g. '200-299, 304'.";
                return false;
            }

            if (low > high)
            {
                error = $"in which '{part}' is a range that ends before it starts. Write the lower code first, e.g. '200-299'.";
                return false;
            }

            for (var code = low; code <= high; code++)
            {
                var offset = code - Min;
                result._bits[offset >> 6] |= 1UL << (offset & 63);
            }
        }

        ranges = result;
        error = null;
        return true;
    }

    private static bool TryCode(string text, out int code)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out code) && code is >= Min and <= Max;

    public override string ToString() => Text;
}
