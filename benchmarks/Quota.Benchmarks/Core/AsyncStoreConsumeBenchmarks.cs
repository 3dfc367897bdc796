using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Quota.Benchmarks.Core;

/// <summary>
/// Quota.Core's own cost on a store that answers asynchronously (as Redis does), without the network: the store's
/// consume is pending when returned and completes the moment it is awaited, on the same thread. What is measured is
/// Core's asynchronous path: the call's deadline (a token and its timer) and the await, against a direct await of the
/// same store call. The last row listens as an OpenTelemetry SDK would (every Quota instrument enabled, every store span
/// sampled), to show what telemetry costs once someone listens; the others run with no listener.
/// </summary>
[MemoryDiagnoser]
public class AsyncStoreConsumeBenchmarks
{
    private static readonly QuotaMeterDelta[] Deltas = [new("requests", 1, long.MaxValue / 2)];
    private readonly AnswerOnAwaitStore _store = new();
    private ServiceProvider _provider = null!;
    private IQuotaService _quota = null!;

    private MeterListener? _meterListener;
    private ActivityListener? _activityListener;

    [GlobalSetup(Targets = [nameof(StoreAlone), nameof(Consume)])]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddQuota()
            .AddPolicy("api", p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;
                p.Allowances["requests"] = long.MaxValue / 2;
            })
            .UseStore(_ => _store);
        _provider = services.BuildServiceProvider();
        _quota = _provider.GetRequiredService<IQuotaService>();
        _quota.TryConsumeAsync("api", "warm-up").AsTask().GetAwaiter().GetResult();
    }

    [GlobalSetup(Target = nameof(ConsumeListened))]
    public void SetupListened()
    {
        _meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == QuotaDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meterListener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        _meterListener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        _meterListener.Start();
        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == QuotaDiagnostics.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_activityListener);
        Setup();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _activityListener?.Dispose();
        _meterListener?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "store call awaited directly (floor)")]
    public async Task<bool> StoreAlone()
        => (await _store.TryAddAsync(new QuotaCounterKey("api", "org-1", Instant.MinValue), Deltas, Instant.MaxValue)).Applied;

    [Benchmark(Description = "TryConsumeAsync on the asynchronous store")]
    public async Task<bool> Consume() => (await _quota.TryConsumeAsync("api", "org-1")).IsAllowed;

    [Benchmark(Description = "TryConsumeAsync on the asynchronous store, metrics and spans listened to")]
    public async Task<bool> ConsumeListened() => (await _quota.TryConsumeAsync("api", "org-1")).IsAllowed;
}
