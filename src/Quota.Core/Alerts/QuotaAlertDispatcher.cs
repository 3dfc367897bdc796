using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Quota;

/// <summary>
/// Delivers threshold alerts off the consume path: a consume that reaches a threshold only queues it (<see cref="Enqueue"/>,
/// never waiting); one background loop marks each in the store — the mark that makes it exactly-once across instances —
/// and hands it to every <see cref="IQuotaAlertHandler"/>, one alert and one handler at a time.
/// </summary>
/// <remarks>
/// <para>
/// Bounded everywhere: the queue holds <see cref="QuotaAlertOptions.QueueCapacity"/> alerts and drops further ones (counted
/// and logged); each handler call gets <see cref="QuotaAlertOptions.HandlerTimeout"/>; the store's mark gets the policy's
/// store timeout, three times. An alert whose mark cannot be written is not delivered, since delivering it could deliver it
/// twice. At disposal the queue is closed, what is queued is delivered for up to <see cref="QuotaAlertOptions.ShutdownTimeout"/>,
/// and the rest is dropped and logged. So an alert is delivered at most once, and exactly once while the process runs, the
/// queue has room and the store answers.
/// </para>
/// <para>The loop starts with the first alert, so an application without thresholds runs nothing in the background.</para>
/// </remarks>
internal sealed partial class QuotaAlertDispatcher : IAsyncDisposable, IDisposable
{
    private const int MarkAttempts = 3;

    private readonly Channel<PendingAlert> _queue;
    private readonly IQuotaStore _store;
    private readonly IQuotaAlertHandler[] _handlers;
    private readonly QuotaMetrics _metrics;
    private readonly StoreCallTelemetry _storeCalls;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly QuotaAlertOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _starting = new();
    private Task? _loop;
    private long _dropped;
    private int _disposed;

    public QuotaAlertDispatcher(
        IOptions<QuotaOptions> options,
        IQuotaStore store,
        IEnumerable<IQuotaAlertHandler> handlers,
        QuotaMetrics metrics,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(metrics);
        var alerts = options.Value.Alerts;
        _options = new QuotaAlertOptions { QueueCapacity = alerts.QueueCapacity, HandlerTimeout = alerts.HandlerTimeout, ShutdownTimeout = alerts.ShutdownTimeout };
        _queue = Channel.CreateBounded<PendingAlert>(new BoundedChannelOptions(Math.Max(1, _options.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _store = store;
        _handlers = handlers.ToArray();
        _metrics = metrics;
        _storeCalls = new StoreCallTelemetry(metrics, store);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(QuotaAlertLog.Category);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Queues a reached threshold for delivery without waiting; drops it when the queue is full or closed.</summary>
    public void Enqueue(in PendingAlert alert)
    {
        if (_queue.Writer.TryWrite(alert))
        {
            if (Volatile.Read(ref _loop) is null)
            {
                Start();
            }

            return;
        }

        var closed = Volatile.Read(ref _disposed) != 0;
        _metrics.AlertDropped(alert.Counter.Policy, alert.Meter, alert.Percent, closed ? "shutdown" : "queue_full");
        if (!closed)
        {
            // Reported by the loop, once per burst, instead of one log line per dropped alert.
            Interlocked.Increment(ref _dropped);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (Volatile.Read(ref _loop) is { } loop)
        {
            try
            {
                await loop.WaitAsync(_options.ShutdownTimeout, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Cancels the handler that is running and ends the loop; what is still queued is not delivered.
                await _stopping.CancelAsync().ConfigureAwait(false);
                await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                var left = 0;
                while (_queue.Reader.TryRead(out var undelivered))
                {
                    left++;
                    _metrics.AlertDropped(undelivered.Counter.Policy, undelivered.Meter, undelivered.Percent, "shutdown");
                }

                if (left > 0)
                {
                    QuotaAlertLog.Undelivered(_logger, left);
                }
            }
        }

        _stopping.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Start()
    {
        lock (_starting)
        {
            if (_loop is null && Volatile.Read(ref _disposed) == 0)
            {
                Volatile.Write(ref _loop, Task.Run(RunAsync));
            }
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var pending))
                {
                    ReportDropped();
                    await DeliverAsync(pending).ConfigureAwait(false);
                }
            }

            ReportDropped();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutdown ran out of time.
        }
    }

    private void ReportDropped()
    {
        if (Volatile.Read(ref _dropped) != 0 && Interlocked.Exchange(ref _dropped, 0) is var count and > 0)
        {
            QuotaAlertLog.Dropped(_logger, count, _options.QueueCapacity);
        }
    }
}
