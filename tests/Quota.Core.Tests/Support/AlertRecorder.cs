using System.Collections.Concurrent;

namespace Quota.Tests.Support;

/// <summary>An alert handler that keeps what it receives and lets a test wait for a number of alerts, or hold the handler.</summary>
public sealed class AlertRecorder : IQuotaAlertHandler
{
    /// <summary>How long a test waits for something asynchronous that should happen at once: a bound against hangs, not a timing assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<QuotaAlert> _alerts = new();
    private readonly SemaphoreSlim _received = new(0);

    /// <summary>Gets or sets a task every call waits for before it records (a slow handler); completed by default.</summary>
    public Task Hold { get; set; } = Task.CompletedTask;

    public IReadOnlyList<QuotaAlert> Alerts => [.. _alerts];

    /// <summary>Gets a task that completes when the handler is first called (before <see cref="Hold"/>).</summary>
    public Task Called => _called.Task;

    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask HandleAsync(QuotaAlert alert, CancellationToken cancellationToken)
    {
        _called.TrySetResult();
        await Hold;
        _alerts.Enqueue(alert);
        _received.Release();
    }

    /// <summary>Waits until <paramref name="count"/> more alerts have arrived.</summary>
    public async Task<IReadOnlyList<QuotaAlert>> WaitForAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(await _received.WaitAsync(Patience), $"alert {i + 1} of {count} did not arrive");
        }

        return Alerts;
    }
}
