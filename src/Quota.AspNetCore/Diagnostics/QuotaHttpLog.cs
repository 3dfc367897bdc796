using Microsoft.Extensions.Logging;

namespace Quota.AspNetCore;

/// <summary>
/// The middleware's log messages, with stable event ids (5001–5099). Subject keys are not logged: with
/// <see cref="QuotaBy.Function"/> a key may be an API key.
/// </summary>
internal static partial class QuotaHttpLog
{
    [LoggerMessage(5001, LogLevel.Information, "Request refused by quota policy '{Policy}': meter '{Meter}' used {Used} of {Limit}; it resets at {ResetAt}.")]
    public static partial void Refused(ILogger logger, string policy, string meter, long used, long limit, string resetAt);

    [LoggerMessage(5002, LogLevel.Warning, "Shadow quota policy '{Policy}' would have refused this request: meter '{Meter}' used {Used} of {Limit}; it resets at {ResetAt}. The request proceeds.")]
    public static partial void ShadowRefused(ILogger logger, string policy, string meter, long used, long limit, string resetAt);

    [LoggerMessage(5003, LogLevel.Warning, "The quota store failed for policy '{Policy}', which fails open: the request proceeds uncounted.")]
    public static partial void FailedOpen(ILogger logger, string policy, Exception? exception);

    [LoggerMessage(5004, LogLevel.Error, "The quota store failed for policy '{Policy}', which fails closed: answering 503.")]
    public static partial void FailedClosed(ILogger logger, string policy, Exception? exception);

    [LoggerMessage(5005, LogLevel.Debug, "Quota policy '{Policy}' counts per caller but the request has no identifiable caller: answering 401.")]
    public static partial void Unauthenticated(ILogger logger, string policy);

    [LoggerMessage(5006, LogLevel.Debug, "Shadow quota policy '{Policy}' counts per caller but the request has no identifiable caller: not counted.")]
    public static partial void ShadowUnauthenticated(ILogger logger, string policy);

    [LoggerMessage(5007, LogLevel.Warning, "Could not give back the request reserved by quota policy '{Policy}' (response status {Status}); it stays counted.")]
    public static partial void RefundFailed(ILogger logger, string policy, int status, Exception exception);

    [LoggerMessage(5008, LogLevel.Warning, "Could not record the meters set during the request for quota policy '{Policy}'; they are not counted.")]
    public static partial void RecordFailed(ILogger logger, string policy, Exception exception);
}
