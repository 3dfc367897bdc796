using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Usage;

/// <summary>A failing store: retried at once with capped, jittered backoff, counted once, and reported with its failure.</summary>
public sealed class UsageClientRetryTests
{
    [Fact]
    public async Task A_write_that_landed_but_failed_is_retried_under_the_same_id_and_counted_once()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(QuotaHost.FlushEvery(10));
        host.Flaky.ApplyThenFail = 1;

        client.Increase(10);

        // The first attempt wrote the rows, then failed: the client backs off (between half and all of 1 s)…
        var retryAt = await host.Time.WaitForDelayWithinAsync(TimeSpan.FromSeconds(1));
        Assert.InRange(retryAt - host.Now, Duration.FromMilliseconds(500), Duration.FromSeconds(1));
        Assert.Equal(10, await host.RecordedAsync());

        // …and retries right away, not at the next 30 s tick; the store recognises the id and does not count again.
        host.Time.AdvanceTo(retryAt);
        await host.Time.WaitForDelayAsync(retryAt + Duration.FromSeconds(30));
        Assert.Equal(10, await host.RecordedAsync());
        Assert.Equal(2, host.Flaky.AddIds.Count);
        Assert.NotNull(host.Flaky.AddIds[0]);
        Assert.Equal(host.Flaky.AddIds[0], host.Flaky.AddIds[1]);
    }

    [Fact]
    public async Task Backoff_doubles_from_the_minimum_wait_up_to_the_cap_with_jitter()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(new UsageClientOptions
        {
            MaxRetries = 5,
            MinWaitTime = TimeSpan.FromSeconds(1),
            MaxWaitTime = TimeSpan.FromSeconds(4),
        });
        var before = host.Time.Requested.Count;
        host.Flaky.Down = true;
        client.Increase(3);

        await Assert.ThrowsAsync<UsageReportException>(async () => await await host.Time.RunUntilAsync(client.CloseAsync()));

        var waits = host.Time.Requested.Skip(before).ToArray();
        double[] nominal = [1, 2, 4, 4, 4];
        Assert.Equal(nominal.Length, waits.Length);
        for (var i = 0; i < nominal.Length; i++)
        {
            Assert.InRange(waits[i].TotalSeconds, nominal[i] / 2, nominal[i]);
        }

        Assert.Equal(6, host.Flaky.AddIds.Count);
        Assert.Single(host.Flaky.AddIds.Distinct());
    }

    [Fact]
    public async Task A_cap_below_the_first_wait_caps_every_wait()
    {
        // Go's WithMaxWaitTime below the HTTP client's 1 s first wait: every wait is the cap (jittered to half of it at least).
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(new UsageClientOptions { MaxRetries = 3, MaxWaitTime = TimeSpan.FromMilliseconds(200) });
        var before = host.Time.Requested.Count;
        host.Flaky.Down = true;
        client.Increase(3);

        await Assert.ThrowsAsync<UsageReportException>(async () => await await host.Time.RunUntilAsync(client.CloseAsync()));

        var waits = host.Time.Requested.Skip(before).ToArray();
        Assert.Equal(3, waits.Length);
        Assert.All(waits, wait => Assert.InRange(wait.TotalMilliseconds, 100, 200));
    }

    [Fact]
    public async Task Failing_past_the_retries_makes_close_report_the_rows_with_the_store_failure_inside()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(new UsageClientOptions { MaxRetries = 2 });
        host.Flaky.Down = true;
        client.Increase(42);

        var close = client.CloseAsync();
        await host.Time.RunUntilAsync(close);
        var error = await Assert.ThrowsAsync<UsageReportException>(() => close);

        Assert.Equal(QuotaHost.Team, error.Team);
        Assert.Equal(42, error.UnreportedRows);
        Assert.Equal(3, error.Attempts);
        var storeError = Assert.IsType<QuotaStoreException>(error.InnerException);
        Assert.Same(host.Flaky.Failure, storeError.InnerException);
        Assert.Contains("42 rows", error.Message, StringComparison.Ordinal);
        Assert.Contains(host.Flaky.Failure.Message, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await host.RecordedAsync());
    }

    [Fact]
    public async Task A_batch_given_up_on_is_resent_under_its_id_at_the_next_flush_and_counted_once()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var start = host.Now;
        var client = await host.CreateIdleClientAsync(new UsageClientOptions { MaxRetries = 1 });
        host.Flaky.ApplyThenFail = 2;
        client.Increase(8);

        // The tick flushes; both attempts land but fail, so the batch is kept.
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var retryAt = await host.Time.WaitForDelayWithinAsync(TimeSpan.FromSeconds(1));
        host.Time.AdvanceTo(retryAt);
        var nextTick = await host.Time.WaitForDelayAsync(d => d >= start + Duration.FromSeconds(60), "the next tick");
        Assert.Equal(2, host.Flaky.AddIds.Count);

        // New rows arrive; at the next tick the kept batch goes first, under the same id, then the new rows.
        client.Increase(5);
        host.Time.AdvanceTo(nextTick);
        await host.Time.WaitForDelayAsync(nextTick + Duration.FromSeconds(30));

        Assert.Equal(13, await host.RecordedAsync());
        var ids = host.Flaky.AddIds;
        Assert.Equal(4, ids.Count);
        Assert.Equal(ids[0], ids[2]);
        Assert.NotEqual(ids[0], ids[3]);
    }

    [Fact]
    public async Task Close_stops_a_background_retry_and_resends_its_batch_once()
    {
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(QuotaHost.FlushEvery(5));
        host.Flaky.ApplyThenFail = 1;
        client.Increase(5);
        await host.Time.WaitForDelayWithinAsync(TimeSpan.FromSeconds(1));

        // The flusher is backing off; closing does not wait for it.
        client.Increase(2);
        await client.CloseAsync();

        Assert.Equal(7, await host.RecordedAsync());
        var ids = host.Flaky.AddIds;
        Assert.Equal(3, ids.Count);
        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task A_batch_that_would_overflow_a_meter_is_not_retried()
    {
        // Past long.MaxValue is bad input, like a bad policy: the store refuses it whole, and retrying cannot help.
        await using var host = QuotaHost.Create(flaky: true);
        var client = await host.CreateIdleClientAsync(QuotaHost.FlushEvery(10));
        await host.Quota.RecordAsync(QuotaHost.Policy, new QuotaSubject(UsageSubjects.KeyOf(QuotaHost.Plugin())), new Dictionary<string, long> { [UsageMeters.Rows] = long.MaxValue - 3 });
        var before = host.Flaky.AddIds.Count;

        client.Increase(10);
        var close = client.CloseAsync();
        await host.Time.RunUntilAsync(close);
        var error = await Assert.ThrowsAsync<UsageReportException>(() => close);

        Assert.Equal(1, error.Attempts);
        Assert.Equal(before + 1, host.Flaky.AddIds.Count);
        Assert.IsType<QuotaOverflowException>(error.InnerException);
        Assert.Equal(long.MaxValue - 3, await host.RecordedAsync());
    }
}
