using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Quota;

/// <summary>
/// Implemented by an <see cref="IQuotaStore"/> that can check its own storage cheaply: a read of its file, a <c>PING</c>
/// to its servers. The quota store health check (<c>services.AddHealthChecks().AddQuotaStore()</c>) calls it on the
/// store the application configured; a store that does not implement it is reported healthy, as not probed.
/// </summary>
/// <remarks>
/// <para>
/// Return <see cref="QuotaStoreHealthContext.FailureStatus"/> when the store cannot serve calls now (unreachable,
/// locked, unreadable, a schema it does not understand), <see cref="HealthStatus.Degraded"/> when it serves them with a
/// known handicap, and <see cref="HealthStatus.Healthy"/> otherwise; put what an operator needs in the data (the file,
/// the endpoints). The health check itself reports a store that answers, but slower than its degraded latency, as
/// degraded.
/// </para>
/// <para>
/// Finish within <see cref="QuotaStoreHealthContext.Timeout"/>: the token is cancelled then, and the check reports the
/// store as not answering without waiting further. An exception is reported as <see cref="QuotaStoreHealthContext.FailureStatus"/>
/// with its message; a probe never needs to catch one only to report it.
/// </para>
/// </remarks>
public interface IQuotaStoreHealthProbe
{
    /// <summary>Probes the store's storage once.</summary>
    /// <param name="context">The status to report a failure with, and the time the probe has.</param>
    /// <param name="cancellationToken">Cancelled when <see cref="QuotaStoreHealthContext.Timeout"/> has passed, or when the caller gives up.</param>
    /// <returns>The store's health, with data that says where it looked.</returns>
    ValueTask<HealthCheckResult> ProbeAsync(QuotaStoreHealthContext context, CancellationToken cancellationToken);
}
