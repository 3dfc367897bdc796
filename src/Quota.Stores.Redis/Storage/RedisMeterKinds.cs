namespace Quota.Stores.Redis;

/// <summary>
/// The kinds argument of try_add.lua: one character per delta, <c>L</c> for a limited meter and <c>U</c> for an
/// unlimited one. Strings for up to four meters are made once, so the hot path does not allocate one per call.
/// </summary>
internal static class RedisMeterKinds
{
    private const int Cached = 4;

    // Indexed by count, then by a bit per delta (set for unlimited).
    private static readonly string[][] Strings = Enumerable.Range(0, Cached + 1)
        .Select(count => Enumerable.Range(0, 1 << count).Select(bits => Build(count, bits)).ToArray())
        .ToArray();

    public static string Of(ReadOnlySpan<QuotaMeterDelta> deltas)
    {
        if (deltas.Length > Cached)
        {
            var kinds = new char[deltas.Length];
            for (var i = 0; i < deltas.Length; i++)
            {
                kinds[i] = deltas[i].Limit.HasValue ? 'L' : 'U';
            }

            return new string(kinds);
        }

        var bits = 0;
        for (var i = 0; i < deltas.Length; i++)
        {
            if (!deltas[i].Limit.HasValue)
            {
                bits |= 1 << i;
            }
        }

        return Strings[deltas.Length][bits];
    }

    private static string Build(int count, int bits)
        => string.Create(count, bits, static (span, b) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (b & (1 << i)) == 0 ? 'L' : 'U';
            }
        });
}
