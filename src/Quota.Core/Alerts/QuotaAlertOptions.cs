namespace Quota;

/// <summary>
/// How threshold alerts are delivered (<see cref="QuotaOptions.Alerts"/>, configuration <c>Quota:Alerts:…</c>). A consume
/// that crosses a threshold only queues the alert; one background loop marks it in the store and calls the handlers, so a
/// slow or failing handler never slows or fails a consume.
/// </summary>
public sealed class QuotaAlertOptions
{
    /// <summary>
    /// Gets or sets how many crossed thresholds may wait for delivery. When the queue is full, a further crossing is dropped
    /// (counted by the <c>quota.alerts.dropped</c> metric and logged) rather than making the consume wait. Defaults to 10,000.
    /// </summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how long each handler may take with one alert. Its cancellation token is cancelled then, and delivery
    /// moves on to the next handler and alert (a handler that ignores the token keeps running on its own). Defaults to 30 seconds.
    /// </summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long disposing the service provider waits for queued alerts to be delivered. Alerts still queued
    /// after that are dropped (and logged); the handler running then is cancelled. Defaults to 5 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
