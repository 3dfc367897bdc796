using System.Globalization;
using System.Numerics;
using System.Text;

namespace Quota.AspNetCore;

/// <summary>
/// Accumulates the RateLimit-Policy and RateLimit values of one response. One item (the common case) needs no builder:
/// the policy's cached item text is the whole RateLimit-Policy value and RateLimit is formatted once; builders (one pair
/// per thread) are taken only from the second item on.
/// </summary>
internal struct HeaderText
{
    [ThreadStatic]
    private static StringBuilder? t_policy;

    [ThreadStatic]
    private static StringBuilder? t_state;

    private PolicyItem? _first;
    private long _firstRemaining;
    private long _firstReset;
    private StringBuilder? _policy;
    private StringBuilder? _state;

    public int Items { get; private set; }

    public void Add(PolicyItem item, long remaining, long reset)
    {
        if (Items == 0)
        {
            _first = item;
            _firstRemaining = remaining;
            _firstReset = reset;
        }
        else
        {
            if (Items == 1)
            {
                _policy = (t_policy ??= new StringBuilder(128)).Clear().Append(_first!.Text);
                _state = (t_state ??= new StringBuilder(128)).Clear();
                AppendState(_state, _first, _firstRemaining, _firstReset);
            }

            _policy!.Append(", ").Append(item.Text);
            AppendState(_state!.Append(", "), item, remaining, reset);
        }

        Items++;
    }

    public readonly string PolicyValue() => Items == 1 ? _first!.Text : _policy!.ToString();

    public readonly string StateValue() => Items == 1 ? State(_first!, _firstRemaining, _firstReset) : _state!.ToString();

    /// <summary>Returns one <c>RateLimit</c> item, <c>"name";r=remaining;t=reset</c>, written straight into a string of the exact length.</summary>
    private static string State(PolicyItem item, long remaining, long reset)
    {
        if ((remaining | reset) < 0)
        {
            // Never expected (both are clamped at zero); formatted the plain way rather than trusted to Digits.
            return string.Concat(item.StatePrefix, remaining.ToString(CultureInfo.InvariantCulture), ";t=", reset.ToString(CultureInfo.InvariantCulture));
        }

        return string.Create(
            item.StatePrefix.Length + Digits(remaining) + 3 + Digits(reset),
            (item.StatePrefix, remaining, reset),
            static (span, state) =>
            {
                state.StatePrefix.CopyTo(span);
                var at = state.StatePrefix.Length;
                state.remaining.TryFormat(span[at..], out var written, provider: CultureInfo.InvariantCulture);
                at += written;
                ";t=".CopyTo(span[at..]);
                state.reset.TryFormat(span[(at + 3)..], out _, provider: CultureInfo.InvariantCulture);
            });
    }

    /// <summary>Returns the number of decimal digits of a non-negative value (1 for 0).</summary>
    internal static int Digits(long value)
    {
        // Log2 gives the digit count to within one (1233 / 4096 ≈ log10 2); one comparison settles it.
        var v = (ulong)value | 1;
        var guess = ((BitOperations.Log2(v) + 1) * 1233) >> 12;
        return guess + (v >= PowersOf10[guess] ? 1 : 0);
    }

    private static ReadOnlySpan<ulong> PowersOf10 =>
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000,
        1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000, 10_000_000_000_000_000,
        100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    private static void AppendState(StringBuilder state, PolicyItem item, long remaining, long reset)
        => state.Append(item.StatePrefix).Append(remaining).Append(";t=").Append(reset);
}
