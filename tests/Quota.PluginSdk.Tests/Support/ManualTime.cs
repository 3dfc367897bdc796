using Quota.PluginSdk;

namespace Quota.Tests.Support;

/// <summary>
/// Delays that complete only when the test moves the fake clock past them, so batching, retries and monitors run on
/// the test's schedule without sleeping. A test waits for the code under test to reach a delay (a sure sign it has
/// decided what to do next) with <see cref="WaitForDelayAsync(Instant)"/>.
/// </summary>
internal sealed class ManualTime(FakeClock clock) : IDelayScheduler
{
    /// <summary>How long a test waits for the code under test to reach a state before it fails with a description.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiters = [];
    private readonly List<TimeSpan> _requested = [];
    private TaskCompletionSource _changed = NewSignal();

    public FakeClock Clock { get; } = clock;

    /// <summary>Gets every delay requested so far, in order.</summary>
    public IReadOnlyList<TimeSpan> Requested
    {
        get
        {
            lock (_gate)
            {
                return [.. _requested];
            }
        }
    }

    /// <summary>Gets the instants the pending delays end at.</summary>
    public IReadOnlyList<Instant> PendingDues
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Select(w => w.Due).Order().ToArray();
            }
        }
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var waiter = new Waiter(Clock.Now + Duration.FromTimeSpan(delay < TimeSpan.Zero ? TimeSpan.Zero : delay));
        lock (_gate)
        {
            _requested.Add(delay);
            if (delay <= TimeSpan.Zero)
            {
                Changed();
                return Task.CompletedTask;
            }

            _waiters.Add(waiter);
            Changed();
        }

        waiter.Registration = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
                Changed();
            }

            waiter.Completion.TrySetCanceled(cancellationToken);
        });
        return waiter.Completion.Task;
    }

    /// <summary>Moves the clock forward and completes every delay that has ended.</summary>
    public void Advance(TimeSpan by) => AdvanceTo(Clock.Now + Duration.FromTimeSpan(by));

    /// <summary>Moves the clock to <paramref name="at"/> and completes every delay that has ended.</summary>
    public void AdvanceTo(Instant at)
    {
        if (at > Clock.Now)
        {
            Clock.Now = at;
        }

        List<Waiter> due;
        lock (_gate)
        {
            due = _waiters.Where(w => w.Due <= Clock.Now).ToList();
            _waiters.RemoveAll(due.Contains);
            Changed();
        }

        foreach (var waiter in due)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult();
        }
    }

    /// <summary>Waits until the code under test waits for a delay that ends at <paramref name="due"/>.</summary>
    public Task WaitForDelayAsync(Instant due) => WaitForDelayAsync(d => d == due, $"a delay ending at {due}");

    /// <summary>Waits until the code under test waits for a delay that ends after now, but no later than <paramref name="within"/> from now (a retry's backoff, not a 30 s tick).</summary>
    public Task<Instant> WaitForDelayWithinAsync(TimeSpan within)
        => WaitForDelayAsync(d => d > Clock.Now && d <= Clock.Now + Duration.FromTimeSpan(within), $"a delay ending within {within} of now");

    /// <summary>Waits until a pending delay matches <paramref name="matches"/>; returns when it ends.</summary>
    public async Task<Instant> WaitForDelayAsync(Func<Instant, bool> matches, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                foreach (var waiter in _waiters)
                {
                    if (matches(waiter.Due))
                    {
                        return waiter.Due;
                    }
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {what}; the clock is at {Clock.Now} and the pending delays end at [{string.Join(", ", PendingDues)}].");
            }
        }
    }

    /// <summary>Runs fake time forward, delay by delay, until <paramref name="task"/> completes, and returns it.</summary>
    public async Task<Task> RunUntilAsync(Task task)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!task.IsCompleted)
        {
            Task changed;
            Instant? next;
            lock (_gate)
            {
                next = _waiters.Count == 0 ? null : _waiters.Min(w => w.Due);
                changed = _changed.Task;
            }

            if (next is { } due)
            {
                AdvanceTo(due);
                continue;
            }

            try
            {
                await Task.WhenAny(task, changed).WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds} s for a task that neither completed nor waited for time.");
            }
        }

        return task;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Changed()
    {
        _changed.TrySetResult();
        _changed = NewSignal();
    }

    private sealed class Waiter(Instant due)
    {
        public Instant Due { get; } = due;

        public TaskCompletionSource Completion { get; } = NewSignal();

        public CancellationTokenRegistration Registration { get; set; }
    }
}
