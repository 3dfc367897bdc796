using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Usage;

/// <summary>Many threads counting while the flusher takes batches: every row reaches the store exactly once.</summary>
public sealed class UsageClientConcurrencyTests
{
    private const int Threads = 16;
    private const int PerThread = 10_000;

    // Small batches and no minimum interval, so the flusher takes batches while the threads are still counting.
    private static UsageClientOptions Busy => new() { BatchLimit = 97, MinTimeBetweenFlushes = TimeSpan.Zero };

    [Fact]
    public async Task Sixteen_threads_of_ten_thousand_increases_sum_exactly_in_the_store()
    {
        await using var host = QuotaHost.Create();
        var client = host.CreateClient(Busy);

        await RunOnThreadsAsync(_ => client.Increase(1));
        await client.CloseAsync();

        Assert.Equal(Threads * PerThread, await host.RecordedAsync());
    }

    [Fact]
    public async Task Per_table_increases_from_sixteen_threads_sum_exactly_per_table_and_in_total()
    {
        await using var host = QuotaHost.Create();
        var client = host.CreateClient(Busy);
        // Eight tables: more than the client's cache of recent tables, so lookups also miss and replace cache slots.
        string[] tables = ["issues", "repositories", "teams", "users", "releases", "commits", "branches", "workflows"];

        await RunOnThreadsAsync(i => client.IncreaseForTable(tables[i % tables.Length], 1));
        await client.CloseAsync();

        Assert.Equal(Threads * PerThread, await host.RecordedAsync());
        foreach (var table in tables)
        {
            Assert.Equal(Threads * PerThread / tables.Length, await host.RecordedAsync(UsageMeters.ForTable(table)));
        }
    }

    [Fact]
    public async Task Increases_with_a_failing_then_recovering_store_still_sum_exactly()
    {
        await using var host = QuotaHost.Create(flaky: true);
        host.Flaky.ApplyThenFail = 3;
        host.Flaky.FailWithoutApplying = 3;
        var options = Busy;
        options.MaxRetries = 10;
        var client = host.CreateClient(options);

        // Flushes fail while the threads count; their retries wait on fake time until the close resends them.
        await RunOnThreadsAsync(_ => client.Increase(1));
        await host.Time.RunUntilAsync(client.CloseAsync());

        Assert.Equal(Threads * PerThread, await host.RecordedAsync());
    }

    private static async Task RunOnThreadsAsync(Action<int> increase)
    {
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                for (var i = 0; i < PerThread; i++)
                {
                    increase(i);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await Task.WhenAll(threads);
    }
}
