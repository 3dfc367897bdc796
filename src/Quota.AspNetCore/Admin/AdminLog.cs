using Microsoft.Extensions.Logging;

namespace Quota.AspNetCore.Admin;

/// <summary>
/// The admin API's log messages (event ids 5101–5199). Resets and grants are an audit trail: they name the operator
/// (the authenticated user's name) and the subject key, which an operator chose to act on.
/// </summary>
internal static partial class AdminLog
{
    [LoggerMessage(5101, LogLevel.Information, "Quota admin '{Operator}' reset subject '{Key}' of policy '{Policy}' in the cycle that resets at {ResetAt}.")]
    public static partial void Reset(ILogger logger, string @operator, string key, string policy, string resetAt);

    [LoggerMessage(5102, LogLevel.Information, "Quota admin '{Operator}' granted {Amount} '{Meter}' to subject '{Key}' of policy '{Policy}' until {ResetAt}: {Reason}")]
    public static partial void Granted(ILogger logger, string @operator, long amount, string meter, string key, string policy, string resetAt, string reason);

    [LoggerMessage(5103, LogLevel.Warning, "The quota admin endpoints under '{Prefix}' have no authorization of the application, so they refuse every request (401 anonymous, 403 signed in). Say who may use them: app.MapQuotaAdmin(\"{Prefix}\").RequireAuthorization(\"your-admin-policy\"), or .AllowAnonymous() to open them deliberately.")]
    public static partial void NoAuthorization(ILogger logger, string prefix);

    [LoggerMessage(5104, LogLevel.Warning, "Quota admin request refused as possibly forged ({Reason}): {Method} {Path}.")]
    public static partial void Refused(ILogger logger, string reason, string method, string path);

    [LoggerMessage(5105, LogLevel.Warning, "The quota store failed for an admin request on policy '{Policy}'; answering 503.")]
    public static partial void StoreFailed(ILogger logger, string policy, Exception exception);
}
