using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Xunit;

namespace Quota.Testing;

/// <summary>
/// First use and clocks: nothing is ever counted in a cycle that ends at or before the subject's anchor, so concurrent
/// first calls, and instances whose clocks differ, never get a second allowance.
/// </summary>
public abstract partial class QuotaStoreContract
{
    [Fact]
    public async Task A_burst_of_first_calls_is_granted_exactly_the_allowance_per_subject()
    {
        const int subjects = 40;
        var callsPerSubject = ConcurrentCallers;
        var store = CreateStore(Clock);
        var policy = NewPolicy();

        // A clock that moves on every reading, like a real one, read by threads that may lose the processor right after:
        // concurrent first calls read different instants, and the anchor that wins may be later than a loser's now.
        var clock = new DeschedulingClock(new FakeClock(Clock.GetCurrentInstant()) { AutoAdvance = Duration.FromMilliseconds(1) });
        await using var services = CreateServices(store, clock, policy, OneRequestADay);
        var quota = services.GetRequiredService<IQuotaService>();
        var granted = new int[subjects];
        var unexpected = 0;

        // Dedicated threads, more than the cores, released together for each new subject: as on a busy server, a
        // caller can lose the processor anywhere between reading the clock and the store setting the anchor.
        using var start = new Barrier(callsPerSubject);
        var callers = Enumerable.Range(0, callsPerSubject).Select(_ => new Thread(() =>
        {
            for (var subject = 0; subject < subjects; subject++)
            {
                start.SignalAndWait();
                var decision = quota.TryConsumeAsync(policy, "burst-" + subject).AsTask().GetAwaiter().GetResult();
                if (decision.Outcome == QuotaOutcome.Allowed)
                {
                    Interlocked.Increment(ref granted[subject]);
                }
                else if (decision.Outcome != QuotaOutcome.Refused)
                {
                    Interlocked.Increment(ref unexpected);
                }
            }
        })).ToArray();
        foreach (var caller in callers)
        {
            caller.Start();
        }

        foreach (var caller in callers)
        {
            caller.Join();
        }

        Assert.Equal(0, unexpected);
        Assert.Equal(Enumerable.Repeat(1, subjects), granted);
        for (var subject = 0; subject < subjects; subject++)
        {
            var usage = await quota.GetUsageAsync(policy, "burst-" + subject);
            Assert.Equal(1, usage.Meters["requests"]);
            Assert.True(usage.Cycle.Start >= usage.AnchorDate, $"subject {subject} is counted in cycle {usage.Cycle}, before its anchor {usage.AnchorDate}");
        }
    }

    [Fact]
    public async Task Services_whose_clocks_differ_by_a_second_grant_one_allowance()
    {
        var policy = NewPolicy();
        await using var instances = StartInstancesASecondApart(policy);
        var (slow, fast) = (instances.Behind, instances.Ahead);

        // The instance ahead sets the anchor; the one behind then reads an anchor later than its own now.
        var first = await fast.TryConsumeAsync(policy, "ahead-first");
        var lagging = await slow.TryConsumeAsync(policy, "ahead-first");

        // The other way round: the instance behind sets the anchor, the one ahead follows.
        var second = await slow.TryConsumeAsync(policy, "behind-first");
        var leading = await fast.TryConsumeAsync(policy, "behind-first");

        Assert.Equal(QuotaOutcome.Allowed, first.Outcome);
        Assert.Equal(QuotaOutcome.Refused, lagging.Outcome);
        Assert.Equal(QuotaOutcome.Allowed, second.Outcome);
        Assert.Equal(QuotaOutcome.Refused, leading.Outcome);
        Assert.Equal(first.Cycle, lagging.Cycle);
        Assert.Equal(second.Cycle, leading.Cycle);

        // Half a second on, the instance behind is still before the anchor the other one set.
        instances.BehindClock.Advance(Duration.FromMilliseconds(500));
        instances.AheadClock.Advance(Duration.FromMilliseconds(500));
        Assert.Equal(QuotaOutcome.Refused, (await slow.TryConsumeAsync(policy, "ahead-first")).Outcome);
        Assert.Equal(QuotaOutcome.Refused, (await fast.TryConsumeAsync(policy, "ahead-first")).Outcome);

        foreach (var quota in new[] { slow, fast })
        {
            var usage = await quota.GetUsageAsync(policy, "ahead-first");
            Assert.Equal(1, usage.Meters["requests"]);
            Assert.Equal(instances.AheadClock.GetCurrentInstant() - Duration.FromMilliseconds(500), usage.AnchorDate);
            Assert.Equal(first.Cycle, usage.Cycle);
        }
    }

    [Fact]
    public async Task An_idempotent_record_retried_across_first_use_is_applied_once()
    {
        const int subjects = 400;
        const int idsPerSubject = 10;
        var policy = NewPolicy();
        await using var instances = StartInstancesASecondApart(policy);
        var (first, retry) = (instances.Ahead, instances.Behind);
        var rows = new Dictionary<string, long> { ["rows"] = 1 };
        long applied = 0;
        long reapplied = 0;

        // Each id is recorded by the instance ahead (the subject's first use), then retried by the one behind.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, subjects),
            new ParallelOptions { MaxDegreeOfParallelism = ConcurrentCallers },
            async (subject, cancellationToken) =>
            {
                for (var id = 0; id < idsPerSubject; id++)
                {
                    var idempotencyId = $"flush-{subject}-{id}";
                    if (await first.RecordAsync(policy, "recorder-" + subject, rows, idempotencyId, cancellationToken))
                    {
                        Interlocked.Increment(ref applied);
                    }

                    if (await retry.RecordAsync(policy, "recorder-" + subject, rows, idempotencyId, cancellationToken))
                    {
                        Interlocked.Increment(ref reapplied);
                    }
                }
            });

        Assert.Equal(subjects * idsPerSubject, applied);
        Assert.Equal(0, reapplied);
        long counted = 0;
        for (var subject = 0; subject < subjects; subject++)
        {
            counted += (await retry.GetUsageAsync(policy, "recorder-" + subject)).Meters["rows"];
        }

        Assert.Equal(subjects * idsPerSubject, counted);
    }

    /// <summary>A clock whose reader loses the processor for 0 to 2 ms right after reading it, as on a busy machine.</summary>
    private sealed class DeschedulingClock(IClock clock) : IClock
    {
        public Instant GetCurrentInstant()
        {
            var now = clock.GetCurrentInstant();
            Thread.Sleep(Random.Shared.Next(3));
            return now;
        }
    }
}
