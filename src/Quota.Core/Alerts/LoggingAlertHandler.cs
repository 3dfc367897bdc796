using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime.Text;

namespace Quota;

/// <summary>
/// The alert handler Quota.Core registers itself: each alert as one Information line under the category
/// <c>Quota.Alerts</c> ("alice reached 80 % of hello-monthly: …"). The line names the subject key; an application whose
/// keys are secrets silences the category (<c>"Logging": { "LogLevel": { "Quota.Alerts": "Warning" } }</c>).
/// </summary>
internal sealed class LoggingAlertHandler(ILoggerFactory? loggerFactory = null) : IQuotaAlertHandler
{
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(QuotaAlertLog.Category);

    public ValueTask HandleAsync(QuotaAlert alert, CancellationToken cancellationToken)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var resetAt = InstantPattern.ExtendedIso.Format(alert.Cycle.End);
            QuotaAlertLog.Reached(_logger, alert.Key, alert.Percent, alert.Policy, alert.Meter, alert.Used, alert.Limit, resetAt);
        }

        return ValueTask.CompletedTask;
    }
}
