using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Quota;

/// <summary>What a store's probe (<see cref="IQuotaStoreHealthProbe"/>) is given: how to report a failure, and how long it has.</summary>
public sealed class QuotaStoreHealthContext
{
    /// <summary>Initializes a context.</summary>
    /// <param name="failureStatus">The status of a store that cannot serve calls: the health check registration's, <see cref="HealthStatus.Unhealthy"/> by default.</param>
    /// <param name="timeout">How long the probe has; its token is cancelled then.</param>
    public QuotaStoreHealthContext(HealthStatus failureStatus, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        FailureStatus = failureStatus;
        Timeout = timeout;
    }

    /// <summary>Gets the status to report when the store cannot serve calls.</summary>
    public HealthStatus FailureStatus { get; }

    /// <summary>
    /// Gets how long the probe has. A store whose client waits by a setting of its own (SQLite's busy timeout, say) sets
    /// it from this, so that it reports what it waited for rather than being cut off.
    /// </summary>
    public TimeSpan Timeout { get; }
}
