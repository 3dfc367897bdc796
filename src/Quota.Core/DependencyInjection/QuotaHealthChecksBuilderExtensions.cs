using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quota;

// In the host's namespace so that AddQuotaStore is found next to AddCheck, without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Reports the health of Quota's store through .NET's health checks: <c>services.AddHealthChecks().AddQuotaStore()</c>.</summary>
public static class QuotaHealthChecksBuilderExtensions
{
    /// <summary>The name the check is registered under unless another is given.</summary>
    public const string DefaultName = "quota-store";

    /// <summary>Gets how long the check may take unless another timeout is given: two seconds.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets the latency past which a store that answers is reported degraded unless another is given: a quarter of a second, a quarter of a policy's default StoreTimeout.</summary>
    public static TimeSpan DefaultDegradedLatency { get; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Adds a health check of the store Quota uses (the one <c>services.AddQuota()</c> configured): the store probes
    /// itself through <see cref="IQuotaStoreHealthProbe"/> — the SQLite store takes its file's write lock and reads its
    /// schema, the Redis store sends <c>PING</c> to every node that holds data — and the in-memory store is always
    /// healthy.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name in the health report.</param>
    /// <param name="failureStatus">
    /// The status of a store that cannot serve calls (unreachable, locked, unreadable, no answer in time);
    /// <see cref="HealthStatus.Unhealthy"/> when <see langword="null"/>. Write <see cref="HealthStatus.Degraded"/> for a
    /// policy that fails open, whose application keeps serving while the store is down.
    /// </param>
    /// <param name="tags">Tags to select the check by, e.g. <c>["ready"]</c> for a readiness endpoint.</param>
    /// <param name="timeout">How long the check may take; <see cref="DefaultTimeout"/> when <see langword="null"/>.</param>
    /// <param name="degradedLatency">
    /// The latency past which a store that answers is reported <see cref="HealthStatus.Degraded"/>;
    /// <see cref="DefaultDegradedLatency"/> when <see langword="null"/>. Less than <paramref name="timeout"/>.
    /// </param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// <para>
    /// <b>Unhealthy</b> (or <paramref name="failureStatus"/>) means calls to the store fail now, so each policy's failure
    /// mode decides them. <b>Degraded</b> means the store answers, but slower than <paramref name="degradedLatency"/> (or
    /// with a handicap its probe reports). The result's data names the store type, the probe's latency
    /// (<c>latencyMs</c>) and where the store looked (its file, its endpoints).
    /// </para>
    /// <para>
    /// The check never throws for a store failure, the store's own creation included (invalid store options are reported,
    /// not thrown); it ends early only when the caller cancels it.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive and finite, or <paramref name="degradedLatency"/> is not between zero and it.</exception>
    public static IHealthChecksBuilder AddQuotaStore(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null,
        TimeSpan? degradedLatency = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var checkTimeout = timeout ?? DefaultTimeout;
        var degraded = degradedLatency ?? DefaultDegradedLatency;
        if (checkTimeout <= TimeSpan.Zero || checkTimeout == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), checkTimeout, "The store's health check needs a positive, finite timeout, e.g. TimeSpan.FromSeconds(2).");
        }

        if (degraded <= TimeSpan.Zero || degraded >= checkTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(degradedLatency), degraded, $"The degraded latency must be positive and less than the timeout ({checkTimeout}), e.g. TimeSpan.FromMilliseconds(250).");
        }

        return builder.Add(new HealthCheckRegistration(
            name,
            services => new QuotaStoreHealthCheck(services, services.GetService<TimeProvider>() ?? TimeProvider.System, degraded),
            failureStatus,
            tags,
            checkTimeout));
    }
}
