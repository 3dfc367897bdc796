namespace Quota;

/// <summary>
/// Receives threshold alerts (<see cref="QuotaAlert"/>): e-mail the customer at 80 %, page someone at 100 %. Register any
/// number with <see cref="QuotaBuilder.AddAlertHandler{THandler}"/>; Quota.Core registers one that writes each alert as a
/// log line (category <c>Quota.Alerts</c>).
/// </summary>
/// <remarks>
/// Handlers run one alert at a time on one background loop, never on the consume that reached the threshold, so a slow or
/// failing handler never slows or fails a consume. A handler that throws is logged and the others still run; a handler
/// still busy after <see cref="QuotaAlertOptions.HandlerTimeout"/> has its token cancelled and is left behind. An alert is
/// delivered at most once: alerts still queued when the process stops, or dropped because the queue was full, are not
/// delivered later (see <see cref="QuotaAlertOptions"/>).
/// </remarks>
public interface IQuotaAlertHandler
{
    /// <summary>Handles one alert.</summary>
    /// <param name="alert">The alert.</param>
    /// <param name="cancellationToken">Cancelled after <see cref="QuotaAlertOptions.HandlerTimeout"/>, or at shutdown.</param>
    /// <returns>A task that completes when the alert is handled.</returns>
    ValueTask HandleAsync(QuotaAlert alert, CancellationToken cancellationToken);
}
