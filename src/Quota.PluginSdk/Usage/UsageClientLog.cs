using Microsoft.Extensions.Logging;

namespace Quota.PluginSdk;

/// <summary>The usage client's log messages, source-generated, with stable event ids (3001–3099; the monitor has 3101–3199).</summary>
internal static partial class UsageClientLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Recorded {Rows} rows of '{Subject}' under quota policy '{Policy}' (batch {BatchId}, attempt {Attempt}).")]
    public static partial void Recorded(ILogger logger, long rows, string subject, string policy, string batchId, int attempt);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Batch {BatchId} of '{Subject}' was already recorded by an earlier attempt; it is not counted again.")]
    public static partial void AlreadyRecorded(ILogger logger, string batchId, string subject);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Recording {Rows} rows of '{Subject}' failed (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}.")]
    public static partial void Retrying(ILogger logger, Exception exception, long rows, string subject, long attempt, long maxAttempts, TimeSpan delay);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Recording {Rows} rows of '{Subject}' failed after {Attempts} attempts; the batch is kept and sent again at the next flush.")]
    public static partial void GaveUp(ILogger logger, Exception exception, long rows, string subject, int attempts);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "'{Subject}' has used its rows allowance under quota policy '{Policy}'; further rows are refused.")]
    public static partial void AllowanceUsedUp(ILogger logger, string subject, string policy);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Reading the usage of '{Subject}' under quota policy '{Policy}' failed; the client keeps its last known allowance.")]
    public static partial void UsageReadFailed(ILogger logger, Exception exception, string subject, string policy);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "Usage client of {Plugin} closed; every counted row is recorded.")]
    public static partial void Closed(ILogger logger, PluginMeta plugin);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "The background flush of '{Subject}' stopped unexpectedly; rows are still recorded on close.")]
    public static partial void FlusherFailed(ILogger logger, Exception exception, string subject);
}
