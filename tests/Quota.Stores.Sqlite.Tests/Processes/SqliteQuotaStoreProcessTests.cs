using NodaTime.Testing;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Quota.Tests.Support;

namespace Quota.Tests.Processes;

/// <summary>
/// Several OS processes on one file, like two instances of an app on one host: each test starts the worker
/// (tests/Quota.Stores.Sqlite.Tests.Worker) with <c>dotnet</c>, and kills it in a finally block whatever happens.
/// </summary>
public sealed class SqliteQuotaStoreProcessTests : SqliteFileTest
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 15, 12, 0);

    [Fact]
    public async Task Two_processes_consuming_two_meters_of_one_file_are_granted_exactly_the_allowance()
    {
        const int allowance = 1500;
        const int attemptsPerProcess = 1000;
        var one = await StartAsync("consume", "shared", attemptsPerProcess, allowance);
        try
        {
            var two = await StartAsync("consume", "shared", attemptsPerProcess, allowance);
            try
            {
                await Task.WhenAll(one.GoAsync(), two.GoAsync());
                var granted = await ReadCountAsync(one, "granted") + await ReadCountAsync(two, "granted");

                Assert.Equal(0, await one.WaitForExitAsync());
                Assert.Equal(0, await two.WaitForExitAsync());
                Assert.Equal(allowance, granted);
            }
            finally
            {
                await two.DisposeAsync();
            }
        }
        finally
        {
            await one.DisposeAsync();
        }

        Assert.Equal(allowance, await UsageAsync("requests"));
        Assert.Equal(allowance * 2, await UsageAsync("tokens"));
    }

    [Fact]
    public async Task Two_processes_recording_one_file_sum_exactly()
    {
        const int recordsPerProcess = 1000;
        var one = await StartAsync("record", "shared", recordsPerProcess);
        try
        {
            var two = await StartAsync("record", "shared", recordsPerProcess);
            try
            {
                await Task.WhenAll(one.GoAsync(), two.GoAsync());

                Assert.Equal(recordsPerProcess, await ReadCountAsync(one, "recorded"));
                Assert.Equal(recordsPerProcess, await ReadCountAsync(two, "recorded"));
            }
            finally
            {
                await two.DisposeAsync();
            }
        }
        finally
        {
            await one.DisposeAsync();
        }

        Assert.Equal(2 * recordsPerProcess * 3, await UsageAsync("rows"));
    }

    [Fact]
    public async Task A_process_killed_mid_stream_loses_no_acknowledged_consume()
    {
        const int acknowledgementsBeforeKill = 150;
        long acknowledged = 0;
        long attempted = 0;
        var worker = await StartAsync("stream", "streamer");
        try
        {
            await worker.GoAsync();
            while (acknowledged < acknowledgementsBeforeKill && await worker.ReadLineAsync() is { } line)
            {
                Count(line, ref acknowledged, ref attempted);
            }

            await worker.KillAsync();

            // Lines the worker printed before it died are still in the pipe.
            while (await worker.ReadLineAsync() is { } line)
            {
                Count(line, ref acknowledged, ref attempted);
            }
        }
        finally
        {
            await worker.DisposeAsync();
        }

        Assert.True(acknowledged >= acknowledgementsBeforeKill, $"only {acknowledged} consumes were acknowledged");
        var counted = await UsageAsync("requests", "streamer");
        Assert.InRange(counted, acknowledged, attempted);
    }

    [Fact]
    public async Task Writes_that_time_out_waiting_behind_another_process_are_refused_and_never_applied()
    {
        // Another process holds the write lock for 3 s; each call may take 500 ms. One call goes into SQLite and waits
        // there for the lock; the others queue behind it in this process, run out of time there and must never be
        // applied, neither when they time out nor once the lock is free.
        using var provider = Provider(TimeSpan.FromMilliseconds(500));
        var quota = provider.GetRequiredService<IQuotaService>();
        Assert.Equal(QuotaOutcome.Allowed, (await quota.TryConsumeAsync("api", "warm-up")).Outcome);
        var holder = await StartAsync("hold", "holder", count: 3000);
        QuotaDecision[] decisions;
        try
        {
            await holder.GoAsync();
            Assert.Equal("holding", await holder.ReadLineAsync());
            decisions = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () => await quota.TryConsumeAsync("api", "queued"))))
                .WaitAsync(WorkerProcess.Patience);
            Assert.Equal("released", await holder.ReadLineAsync());
            Assert.Equal(0, await holder.WaitForExitAsync());
        }
        finally
        {
            await holder.DisposeAsync();
        }

        var timedOut = decisions.Where(d => d.Outcome == QuotaOutcome.FailedClosed).ToArray();
        Assert.True(timedOut.Length >= 11, $"only {timedOut.Length} of 12 calls timed out: {string.Join(", ", decisions.Select(d => d.Outcome))}");
        Assert.All(timedOut, d => Assert.IsType<TimeoutException>(d.Failure?.InnerException));

        // Give a late write every chance to land, then count: only calls answered Allowed were applied.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Equal(decisions.Count(d => d.Outcome == QuotaOutcome.Allowed), (await quota.GetUsageAsync("api", "queued")).Meters.GetValueOrDefault("requests"));
    }

    private ServiceProvider Provider(TimeSpan storeTimeout)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new FakeClock(Now));
        services.AddQuota()
            .AddPolicy("api", p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;
                p.Allowances["requests"] = 1000;
                p.FailureMode = QuotaFailureMode.FailClosed;
                p.StoreTimeout = storeTimeout;
            })
            .UseSqliteStore(Database.ConnectionString);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Processes_opening_one_new_file_at_once_are_never_refused_nor_granted_too_much()
    {
        const int processes = 4;
        const int rounds = 25;
        const int subjects = 3;
        const int callers = 8;
        const int callsEach = 2;
        const long allowance = 5;
        var workers = new List<WorkerProcess>();
        try
        {
            // Clocks a millisecond apart per process, and moving: first uses race across processes and clocks.
            for (var i = 0; i < processes; i++)
            {
                workers.Add(await WorkerProcess.StartAsync(
                    "create",
                    Database.Folder,
                    "api",
                    subjects.ToString(CultureInfo.InvariantCulture),
                    (Now + Duration.FromMilliseconds(i)).ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture),
                    callsEach.ToString(CultureInfo.InvariantCulture),
                    allowance.ToString(CultureInfo.InvariantCulture),
                    callers.ToString(CultureInfo.InvariantCulture)));
            }

            for (var round = 0; round < rounds; round++)
            {
                // Each round is a file no process has opened yet; all of them open it at once.
                await Task.WhenAll(workers.Select(worker => worker.GoAsync()));
                var granted = new long[subjects];
                foreach (var worker in workers)
                {
                    var line = await worker.ReadLineAsync();
                    var words = line?.Split(' ') ?? [];
                    Assert.True(words.Length == 5 + subjects && words[0] == "round" && words[2] == "granted", $"The worker said '{line}'. Its errors: {worker.Errors}");
                    Assert.True(words[^1] == "0", $"Round {round}: a worker was refused {words[^1]} calls: {worker.Errors}");
                    for (var subject = 0; subject < subjects; subject++)
                    {
                        granted[subject] += long.Parse(words[3 + subject], CultureInfo.InvariantCulture);
                    }
                }

                Assert.True(granted.All(g => g == allowance), $"Round {round}: granted {string.Join(", ", granted)} to subjects allowed {allowance} each.");
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static void Count(string line, ref long acknowledged, ref long attempted)
    {
        if (line.StartsWith("ack ", StringComparison.Ordinal))
        {
            acknowledged = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
        }
        else if (line.StartsWith("try ", StringComparison.Ordinal))
        {
            attempted = long.Parse(line.AsSpan(4), CultureInfo.InvariantCulture);
        }
    }

    private static async Task<long> ReadCountAsync(WorkerProcess worker, string label)
    {
        var line = await worker.ReadLineAsync();
        Assert.True(line is not null && line.StartsWith(label + " ", StringComparison.Ordinal), $"The worker said '{line}' instead of '{label} N'. Its errors: {worker.Errors}");
        return long.Parse(line.AsSpan(label.Length + 1), CultureInfo.InvariantCulture);
    }

    private Task<WorkerProcess> StartAsync(string mode, string subject, int count = 0, long allowance = long.MaxValue / 2)
        => WorkerProcess.StartAsync(
            mode,
            Database.FilePath,
            "api",
            subject,
            Now.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture),
            count.ToString(CultureInfo.InvariantCulture),
            allowance.ToString(CultureInfo.InvariantCulture),
            "4");

    /// <summary>Reopens the file in this process, as the worker's policy sees it, and reads one meter.</summary>
    private async Task<long> UsageAsync(string meter, string subject = "shared")
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(new FakeClock(Now));
        services.AddQuota()
            .AddPolicy("api", p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;
            })
            .UseSqliteStore(Database.ConnectionString);
        await using var provider = services.BuildServiceProvider();
        var usage = await provider.GetRequiredService<IQuotaService>().GetUsageAsync("api", subject);
        return usage.Meters.TryGetValue(meter, out var value) ? value : 0;
    }
}
