using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Quota;

public sealed partial class InMemoryQuotaStore : IQuotaStoreHealthProbe
{
    /// <summary>Reports the store healthy: it lives in this process's memory, so while the process answers, so does the store.</summary>
    /// <param name="context">Not used: this store has nothing to wait for.</param>
    /// <param name="cancellationToken">Not used, for the same reason.</param>
    /// <returns>A healthy result that says usage is not shared or kept across restarts.</returns>
    public ValueTask<HealthCheckResult> ProbeAsync(QuotaStoreHealthContext context, CancellationToken cancellationToken)
        => new(HealthCheckResult.Healthy("The in-memory quota store lives in this process: always available, but not shared between instances and lost at restart."));
}
