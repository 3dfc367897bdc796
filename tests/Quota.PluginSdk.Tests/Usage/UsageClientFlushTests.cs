using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Usage;

/// <summary>When rows reach the store: batch limit, minimum and maximum intervals, close — all on fake time.</summary>
public sealed class UsageClientFlushTests
{
    private static UsageClientOptions Options(int batchLimit = 100) => new()
    {
        BatchLimit = batchLimit,
        MinTimeBetweenFlushes = TimeSpan.FromSeconds(10),
        MaxTimeBetweenFlushes = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task A_batch_that_fills_right_after_creation_is_sent_at_once()
    {
        // As in Go, where the last-flush time starts at zero: the minimum interval counts from the last flush, and there is none yet.
        await using var host = QuotaHost.Create();
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(Options());

        host.Time.Advance(TimeSpan.FromSeconds(1));
        client.Increase(100);

        // Flushed at 1 s without any more time passing; the next tick is 30 s after this flush.
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(31));
        Assert.Equal(100, await host.RecordedAsync());
    }

    [Fact]
    public async Task A_full_batch_waits_for_the_minimum_interval_since_the_last_flush()
    {
        await using var host = QuotaHost.Create();
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(Options());
        host.Time.Advance(TimeSpan.FromSeconds(1));
        client.Increase(100);
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(31));

        host.Time.Advance(TimeSpan.FromSeconds(3));
        client.Increase(100);

        // The flusher woke for the full batch and now waits until 10 s after the flush at 1 s: nothing more is written yet.
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(11));
        Assert.Equal(100, await host.RecordedAsync());

        host.Time.Advance(TimeSpan.FromSeconds(7));
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(41));
        Assert.Equal(200, await host.RecordedAsync());
    }

    [Fact]
    public async Task A_full_batch_is_flushed_at_once_when_the_minimum_interval_has_passed()
    {
        await using var host = QuotaHost.Create();
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(Options());

        host.Time.Advance(TimeSpan.FromSeconds(15));
        client.Increase(99);
        Assert.Equal(0, await host.RecordedAsync());
        client.Increase(1);

        // Flushed without any time passing; the next tick is 30 s after this flush.
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(45));
        Assert.Equal(100, await host.RecordedAsync());
    }

    [Fact]
    public async Task A_batch_limit_of_zero_sends_every_increase_as_soon_as_the_minimum_interval_allows()
    {
        // Go's WithBatchLimit(0) with a minimum interval: the first increase is sent at once, the next one 10 s after it.
        await using var host = QuotaHost.Create(flaky: true);
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(Options(batchLimit: 0));

        host.Time.Advance(TimeSpan.FromSeconds(1));
        client.Increase(1);
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(31));
        Assert.Equal([1L], host.Flaky.AddRows);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        client.Increase(2);
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(11));
        Assert.Equal([1L], host.Flaky.AddRows);

        host.Time.AdvanceTo(start + Duration.FromSeconds(11));
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(41));
        Assert.Equal([1L, 2L], host.Flaky.AddRows);
    }

    [Fact]
    public async Task A_maximum_interval_below_the_minimum_flushes_a_partial_batch_when_the_minimum_allows()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var start = host.Now;
        var options = new UsageClientOptions { BatchLimit = 100, MinTimeBetweenFlushes = TimeSpan.FromSeconds(10), MaxTimeBetweenFlushes = TimeSpan.FromSeconds(3) };
        var client = await host.CreateIdleClientAsync(options);

        // The first tick flushes at once: there was no flush before it.
        client.Increase(5);
        host.Time.AdvanceTo(start + Duration.FromSeconds(3));
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(6));
        Assert.Equal([5L], host.Flaky.AddRows);

        // The next tick comes 3 s later, but the minimum holds the rows until 10 s after the flush.
        client.Increase(4);
        host.Time.AdvanceTo(start + Duration.FromSeconds(6));
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(13));
        Assert.Equal([5L], host.Flaky.AddRows);

        host.Time.AdvanceTo(start + Duration.FromSeconds(13));
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(16));
        Assert.Equal([5L, 4L], host.Flaky.AddRows);
    }

    [Fact]
    public async Task A_maximum_interval_of_TimeSpan_MaxValue_flushes_only_full_batches()
    {
        // Longer than a .NET timer takes: the flusher waits the longest timer, looks again, and waits on.
        await using var host = QuotaHost.Create(flaky: true);
        var longest = Duration.FromMilliseconds(uint.MaxValue - 1);
        var start = host.Now;
        var client = host.CreateClient(new UsageClientOptions { BatchLimit = 10, MaxTimeBetweenFlushes = TimeSpan.MaxValue });
        await host.Time.WaitForDelayAsync(start + longest);

        host.Time.Advance(TimeSpan.FromSeconds(1));
        client.Increase(10);
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(1) + longest);
        Assert.Equal([10L], host.Flaky.AddRows);

        client.Increase(3);
        host.Time.AdvanceTo(start + Duration.FromSeconds(2) + longest);
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(2) + longest + longest);
        Assert.Equal([10L], host.Flaky.AddRows);
    }

    [Fact]
    public async Task Fewer_rows_than_a_batch_are_flushed_at_the_maximum_interval()
    {
        await using var host = QuotaHost.Create();
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(Options());

        client.Increase(5);
        host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await host.RecordedAsync());

        host.Time.Advance(TimeSpan.FromSeconds(1));
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(60));
        Assert.Equal(5, await host.RecordedAsync());
    }

    [Fact]
    public async Task Nothing_is_written_at_a_tick_with_nothing_pending()
    {
        await using var host = QuotaHost.Create();
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(Options());

        host.Time.Advance(TimeSpan.FromSeconds(30));
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(60));

        Assert.Empty(host.Flaky.AddIds);
        Assert.Equal(0, ((BatchingUsageClient)client).RecordedBatches);
    }

    [Fact]
    public async Task Close_flushes_at_once_ignoring_the_minimum_interval()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(Options());

        host.Time.Advance(TimeSpan.FromSeconds(10));
        client.Increase(100);
        await host.Time.WaitForDelayAsync(start + Duration.FromSeconds(40));
        client.Increase(7);

        // Only a moment after the last flush, and below the batch limit: the close still writes the 7 rows.
        await client.CloseAsync();

        Assert.Equal(107, await host.RecordedAsync());
        Assert.Equal(2, host.Flaky.AddIds.Count);
    }

    [Fact]
    public async Task Rows_counted_while_a_flush_is_in_flight_are_kept_for_the_next_one()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(QuotaHost.FlushEvery(10));
        host.Flaky.HoldWrites();
        host.Time.Advance(TimeSpan.FromSeconds(1));

        client.Increase(10);
        await host.Flaky.WhenWriteHeldAsync();

        // The first batch (10 rows) is in the store's hands; these rows arrive meanwhile.
        client.Increase(3);
        client.Increase(4);
        host.Flaky.LetNewWritesThrough();
        host.Flaky.ReleaseHeldWrites();
        await host.Time.WaitForDelayAsync(host.Now + Duration.FromSeconds(30));
        await client.CloseAsync();

        Assert.Equal(17, await host.RecordedAsync());
        Assert.Equal([10L, 7L], host.Flaky.AddRows);
        Assert.Equal(2, host.Flaky.AddIds.Distinct().Count());
    }

    [Fact]
    public async Task Closing_while_a_write_is_in_flight_resends_it_under_the_same_id_and_counts_it_once()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(QuotaHost.FlushEvery(10));
        host.Flaky.HoldWrites();

        client.Increase(10);
        await host.Flaky.WhenWriteHeldAsync();
        client.Increase(4);

        // The close gives up waiting for the held write and sends its batch again; then the held write lands too.
        host.Flaky.LetNewWritesThrough();
        await client.CloseAsync();
        host.Flaky.ReleaseHeldWrites();
        await host.Flaky.WhenHeldWriteFinishedAsync();

        Assert.Equal(14, await host.RecordedAsync());
        var ids = host.Flaky.AddIds;
        Assert.Equal(ids[0], ids[1]);
    }
}
