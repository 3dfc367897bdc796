using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Quota;

/// <summary>
/// The health of the store the application configured, through its <see cref="IQuotaStoreHealthProbe"/>: bounded by the
/// registration's timeout, never throwing for a store failure, with the probe's data plus the store's type and latency.
/// </summary>
/// <remarks>
/// The probe gets nine tenths of the registration's timeout, so that this check reports what the store was doing
/// before the health check service cuts it off with its own "A timeout occurred while running check.". Only the
/// caller's cancellation ends the check with <see cref="OperationCanceledException"/>, as <see cref="IHealthCheck"/>
/// expects.
/// </remarks>
internal sealed class QuotaStoreHealthCheck(IServiceProvider services, TimeProvider timeProvider, TimeSpan degradedLatency) : IHealthCheck
{
    public const string StoreKey = "store";
    public const string LatencyKey = "latencyMs";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var budget = Budget(context.Registration?.Timeout);
        IQuotaStore store;
        try
        {
            store = services.GetRequiredService<IQuotaStore>();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(failure, $"The quota store could not be created: {ex.Message}", ex, new Dictionary<string, object> { [StoreKey] = "(none)" });
        }

        var name = store.GetType().Name;
        if (store is not IQuotaStoreHealthProbe probe)
        {
            return HealthCheckResult.Healthy(
                $"{name} does not check itself (it does not implement IQuotaStoreHealthProbe), so its health is not known; reported healthy.",
                new Dictionary<string, object> { [StoreKey] = name });
        }

        var started = timeProvider.GetTimestamp();
        using var timer = new CancellationTokenSource(budget, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        Task<HealthCheckResult>? probing = null;
        HealthCheckResult result;
        try
        {
            probing = probe.ProbeAsync(new QuotaStoreHealthContext(failure, budget), linked.Token).AsTask();

            // WaitAsync: a probe that ignores its token still cannot hold the check past its budget.
            result = await probing.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(probing);
            throw;
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested)
        {
            Observe(probing);
            return new HealthCheckResult(
                failure,
                $"{name} did not answer within {Milliseconds(budget)} ms: calls to it are likely to run out of their StoreTimeout too.",
                ex,
                Data(null, name, timeProvider.GetElapsedTime(started)));
        }
        catch (Exception ex)
        {
            return new HealthCheckResult(failure, $"{name} failed its probe: {ex.Message}", ex, Data(null, name, timeProvider.GetElapsedTime(started)));
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        var data = Data(result.Data, name, elapsed);
        if (result.Status == HealthStatus.Healthy && elapsed > degradedLatency)
        {
            return HealthCheckResult.Degraded(
                $"{result.Description} It answered in {Milliseconds(elapsed)} ms, slower than the {Milliseconds(degradedLatency)} ms expected of it: calls are nearer their StoreTimeout than they should be.",
                result.Exception,
                data);
        }

        return new HealthCheckResult(result.Status, result.Description, result.Exception, data);
    }

    /// <summary>The probe's share of the registration's timeout.</summary>
    internal static TimeSpan Budget(TimeSpan? timeout)
        => (timeout is { } value && value > TimeSpan.Zero ? value : QuotaHealthChecksBuilderExtensions.DefaultTimeout) * 0.9;

    private static Dictionary<string, object> Data(IReadOnlyDictionary<string, object>? probed, string store, TimeSpan elapsed)
    {
        var data = probed is null ? [] : new Dictionary<string, object>(probed);
        data[StoreKey] = store;
        data[LatencyKey] = Math.Round(elapsed.TotalMilliseconds, 3);
        return data;
    }

    private static string Milliseconds(TimeSpan value) => value.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Observes the late failure of a probe no one waits for any more.</summary>
    private static void Observe(Task? probing)
        => probing?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
