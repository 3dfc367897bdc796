using Microsoft.Extensions.Time.Testing;
using NodaTime.Extensions;

namespace Quota.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also lets a test see the timers the code under test waits on. Waiting until the
/// code under test has started a timer that ends at a known instant is a sure sign that it has decided what to do
/// next, so a test can then assert on what it has (not) done without sleeping.
/// </summary>
internal sealed class TestTime : FakeTimeProvider
{
    /// <summary>How long a test waits for the code under test to reach a state before it fails with a description.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();

    // Held while the time moves and while a timer is created, so a timer's tracked end is the one the fake fires it at.
    private readonly Lock _moving = new();
    private readonly List<Observed> _pending = [];
    private readonly List<TimeSpan> _requested = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Starts the time at 2026-01-01T00:00Z.</summary>
    public TestTime()
        : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
        Clock = this.ToClock();
    }

    /// <summary>Gets a NodaTime clock on this time, for the quota service and the store.</summary>
    public IClock Clock { get; }

    /// <summary>Gets the current instant.</summary>
    public Instant Now => Instant.FromDateTimeOffset(GetUtcNow());

    /// <summary>Gets the due time of every timer started so far, in order.</summary>
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

    /// <summary>Gets the instants the pending timers end at.</summary>
    public IReadOnlyList<Instant> PendingDues
    {
        get
        {
            lock (_gate)
            {
                return _pending.Select(t => t.Due).Order().ToArray();
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var observed = new Observed(this);
        lock (_moving)
        {
            observed.Inner = base.CreateTimer(
                s =>
                {
                    // A one-shot timer (all this code uses) is done once it fires.
                    observed.Untrack();
                    callback(s);
                },
                state,
                dueTime,
                period);
            lock (_gate)
            {
                _requested.Add(dueTime);
            }

            observed.Track(dueTime);
        }

        return observed;
    }

    /// <summary>Moves the time forward by <paramref name="by"/>, firing every timer that ends by then.</summary>
    public new void Advance(TimeSpan by)
    {
        lock (_moving)
        {
            base.Advance(by);
        }
    }

    /// <summary>Moves the time to <paramref name="at"/>, firing every timer that ends by then.</summary>
    public void AdvanceTo(Instant at)
    {
        lock (_moving)
        {
            SetUtcNow(at.ToDateTimeOffset());
        }
    }

    /// <summary>Waits until the code under test waits on a timer that ends at <paramref name="due"/>.</summary>
    public Task WaitForDelayAsync(Instant due) => WaitForDelayAsync(d => d == due, $"a timer ending at {due}");

    /// <summary>Waits until a timer ends after now, but no later than <paramref name="within"/> from now (a retry's backoff, not a 30 s tick).</summary>
    public Task<Instant> WaitForDelayWithinAsync(TimeSpan within)
        => WaitForDelayAsync(d => d > Now && d <= Now + Duration.FromTimeSpan(within), $"a timer ending within {within} of now");

    /// <summary>Waits until a pending timer matches <paramref name="matches"/>; returns when it ends.</summary>
    public async Task<Instant> WaitForDelayAsync(Func<Instant, bool> matches, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_pending.Select(t => t.Due).Where(matches).Cast<Instant?>().FirstOrDefault() is { } due)
                {
                    return due;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Waited {Patience.TotalSeconds} s for {what}; the time is {Now} and the pending timers end at [{string.Join(", ", PendingDues)}].");
            }
        }
    }

    /// <summary>Runs the time forward, timer by timer, until <paramref name="task"/> completes, and returns it.</summary>
    public async Task<Task> RunUntilAsync(Task task)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!task.IsCompleted)
        {
            Task changed;
            Instant? next;
            lock (_gate)
            {
                next = _pending.Count == 0 ? null : _pending.Min(t => t.Due);
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
                throw new TimeoutException($"Waited {Patience.TotalSeconds} s for a task that neither completed nor started a timer.");
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

    /// <summary>A timer of the fake time, tracked while it is pending.</summary>
    private sealed class Observed(TestTime time) : ITimer
    {
        // Set once the timer fired or was disposed; a timer whose due time is under 1 ms fires as it is created.
        private bool _done;

        public ITimer Inner { get; set; } = null!;

        public Instant Due { get; private set; }

        public void Track(TimeSpan dueTime)
        {
            lock (time._gate)
            {
                time._pending.Remove(this);
                if (!_done && dueTime != Timeout.InfiniteTimeSpan)
                {
                    Due = time.Now + Duration.FromTimeSpan(dueTime);
                    time._pending.Add(this);
                }

                time.Changed();
            }
        }

        public void Untrack()
        {
            lock (time._gate)
            {
                _done = true;
                time._pending.Remove(this);
                time.Changed();
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (time._moving)
            {
                lock (time._gate)
                {
                    _done = false;
                }

                var changed = Inner.Change(dueTime, period);
                Track(dueTime);
                return changed;
            }
        }

        public void Dispose()
        {
            Untrack();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Untrack();
            return Inner.DisposeAsync();
        }
    }
}
