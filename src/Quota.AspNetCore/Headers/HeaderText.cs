using System.Globalization;
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

    /// <summary>Returns one <c>RateLimit</c> item, <c>"name";r=remaining;t=reset</c>: both numbers formatted on the stack, one string allocated.</summary>
    private static string State(PolicyItem item, long remaining, long reset)
    {
        Span<char> r = stackalloc char[20];
        Span<char> t = stackalloc char[20];
        remaining.TryFormat(r, out var rLength, provider: CultureInfo.InvariantCulture);
        reset.TryFormat(t, out var tLength, provider: CultureInfo.InvariantCulture);
        return string.Concat(item.StatePrefix, r[..rLength], ";t=", t[..tLength]);
    }

    private static void AppendState(StringBuilder state, PolicyItem item, long remaining, long reset)
        => state.Append(item.StatePrefix).Append(remaining).Append(";t=").Append(reset);
}
