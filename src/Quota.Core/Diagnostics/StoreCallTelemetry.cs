using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Quota;

/// <summary>
/// Measures and traces calls to one store: the <c>quota.store.call.duration</c> histogram and a span of the <c>Quota</c>
/// activity source per call. <see cref="Start"/> returns <see langword="null"/> — nothing allocated, nothing timed — when
/// neither has a listener.
/// </summary>
internal sealed class StoreCallTelemetry
{
    /// <summary>The source of the store calls' spans.</summary>
    internal static readonly ActivitySource Source = new(QuotaDiagnostics.ActivitySourceName, typeof(StoreCallTelemetry).Assembly.GetName().Version?.ToString(3));

    public StoreCallTelemetry(QuotaMetrics metrics, IQuotaStore store)
    {
        Duration = metrics.StoreCallDuration;
        DatabaseSystem = (store as IQuotaStoreTelemetry)?.DatabaseSystemName;
    }

    public Histogram<double> Duration { get; }

    /// <summary>Gets the store's <c>db.system.name</c>; <see langword="null"/> for a store that is not a database.</summary>
    public string? DatabaseSystem { get; }

    /// <summary>Starts observing a call, or returns <see langword="null"/> when no one listens.</summary>
    /// <param name="policy">The policy the call is made for.</param>
    /// <param name="operation">One of <see cref="StoreOperation"/>'s names.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public StoreCallTrace? Start(string policy, string operation)
        => Duration.Enabled || Source.HasListeners() ? new StoreCallTrace(this, policy, operation) : null;
}
