namespace Quota.PluginSdk;

/// <summary>Waits on the system's timers.</summary>
internal sealed class SystemDelays : IDelayScheduler
{
    public static readonly SystemDelays Instance = new();

    private SystemDelays()
    {
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
        => delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
}
