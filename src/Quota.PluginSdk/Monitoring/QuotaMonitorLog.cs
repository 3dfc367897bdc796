using Microsoft.Extensions.Logging;

namespace Quota.PluginSdk;

/// <summary>The quota monitor's log messages, source-generated, with stable event ids (3101–3199; the usage client has 3001–3099).</summary>
internal static partial class QuotaMonitorLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Checking the quota of team '{Team}' failed ({Failures} of {MaxFailures} in a row).")]
    public static partial void CheckFailed(ILogger logger, Exception exception, string team, int failures, int maxFailures);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Team '{Team}' has no quota left; cancelling the sync.")]
    public static partial void QuotaExceeded(ILogger logger, string team);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "The quota of team '{Team}' could not be checked {Failures} times in a row; cancelling the sync.")]
    public static partial void GaveUp(ILogger logger, string team, int failures);
}
