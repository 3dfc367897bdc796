namespace Quota.PluginSdk;

/// <summary>Waits on a <see cref="TimeProvider"/> within what its timers accept.</summary>
internal static class TimerLimits
{
    /// <summary>The longest wait a .NET timer takes (2^32 − 2 ms, about 49.7 days).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Waits <paramref name="delay"/>, cut to <see cref="Longest"/>, so that a configured interval of months, or
    /// <see cref="TimeSpan.MaxValue"/> for "never", waits instead of throwing. Callers that must wait longer look again.
    /// </summary>
    public static Task DelayAsync(this TimeProvider time, TimeSpan delay, CancellationToken cancellationToken)
        => Task.Delay(delay < Longest ? delay : Longest, time, cancellationToken);
}
