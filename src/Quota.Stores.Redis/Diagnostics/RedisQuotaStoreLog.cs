using Microsoft.Extensions.Logging;

namespace Quota.Stores.Redis;

/// <summary>The Redis store's log messages, with stable event ids (4001–4099).</summary>
internal static partial class RedisQuotaStoreLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Quota Redis store lost its connection to {EndPoint} ({FailureType}); calls fail fast and each policy's failure mode applies until it is back.")]
    public static partial void ConnectionFailed(ILogger logger, string endPoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Quota Redis store reconnected to {EndPoint}; counting resumes.")]
    public static partial void ConnectionRestored(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Quota Redis store sent script '{Script}' in full: the server did not have it cached (first use or after a restart).")]
    public static partial void ScriptReloaded(ILogger logger, string script);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Quota Redis store could not add a subject of policy '{Policy}' to the policy's listing index; the next write of that subject tries again.")]
    public static partial void IndexFailed(ILogger logger, string policy, Exception exception);
}
