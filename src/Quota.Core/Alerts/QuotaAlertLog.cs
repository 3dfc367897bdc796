using Microsoft.Extensions.Logging;

namespace Quota;

/// <summary>
/// Quota.Core's log messages, with stable event ids (1001–1099), all about alerts: the consume path logs nothing. Written
/// under the category <see cref="Category"/>, so an application can silence or route them in its logging configuration.
/// </summary>
internal static partial class QuotaAlertLog
{
    /// <summary>The logger category of every alert message.</summary>
    public const string Category = "Quota.Alerts";

    [LoggerMessage(1001, LogLevel.Information, "{Key} reached {Percent} % of {Policy}: meter '{Meter}' used {Used} of {Limit} in the cycle that resets at {ResetAt}.")]
    public static partial void Reached(ILogger logger, string key, int percent, string policy, string meter, long used, long limit, string resetAt);

    [LoggerMessage(1002, LogLevel.Error, "Quota alert handler {Handler} failed on the {Percent} % alert of policy '{Policy}', meter '{Meter}'; the other handlers still receive it.")]
    public static partial void HandlerFailed(ILogger logger, string handler, int percent, string policy, string meter, Exception exception);

    [LoggerMessage(1003, LogLevel.Warning, "Quota alert handler {Handler} did not finish the {Percent} % alert of policy '{Policy}', meter '{Meter}', within {TimeoutMs} ms; its token is cancelled and delivery moves on.")]
    public static partial void HandlerTimedOut(ILogger logger, string handler, int percent, string policy, string meter, double timeoutMs);

    [LoggerMessage(1004, LogLevel.Warning, "The {Percent} % alert of policy '{Policy}', meter '{Meter}', is not delivered: the store could not record it after {Attempts} attempts, so delivering it could deliver it twice.")]
    public static partial void MarkFailed(ILogger logger, int percent, string policy, string meter, int attempts, Exception exception);

    [LoggerMessage(1005, LogLevel.Warning, "{Count} quota alerts were dropped because the alert queue was full ({Capacity}); raise Quota:Alerts:QueueCapacity or speed up the handlers.")]
    public static partial void Dropped(ILogger logger, long count, int capacity);

    [LoggerMessage(1006, LogLevel.Warning, "{Count} quota alerts were still queued when the application stopped and are not delivered.")]
    public static partial void Undelivered(ILogger logger, int count);
}
