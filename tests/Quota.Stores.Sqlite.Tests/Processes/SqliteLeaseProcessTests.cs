using System.Globalization;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;
using Xunit.Abstractions;

namespace Quota.Tests.Processes;

/// <summary>
/// Leased allowances across OS processes on one file: four workers (tests/Quota.Stores.Sqlite.Tests.Worker), sixteen
/// callers each, one subject.
/// </summary>
public sealed class SqliteLeaseProcessTests(ITestOutputHelper output) : SqliteFileTest
{
    private const int Allowance = 10_000;
    private const int AttemptsPerProcess = 10_000;
    private const int Callers = 16;

    // The kill test's survivors: enough attempts to use up what the victim leaves (it grants a few thousand before it
    // dies), few enough that the refusals after that (each a write transaction) stay quick on a loaded machine.
    private const int SurvivorAttempts = 5_000;
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 15, 12, 0);

    [Fact]
    public async Task Four_processes_granting_from_blocks_are_granted_exactly_the_allowance()
    {
        var workers = new List<WorkerProcess>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                workers.Add(await StartAsync("lease"));
            }

            await Task.WhenAll(workers.Select(w => w.GoAsync()));
            long granted = 0;
            foreach (var worker in workers)
            {
                granted += await ReadCountAsync(worker, "granted");
                Assert.Equal("settled", await worker.ReadLineAsync());
                Assert.Equal(0, await worker.WaitForExitAsync());
            }

            output.WriteLine($"4 processes x {Callers} callers, {4 * AttemptsPerProcess} attempts: granted {granted} of {Allowance}");
            Assert.Equal(Allowance, granted);
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }

        var (used, held) = await ReadAsync();
        Assert.Equal(Allowance, used);
        Assert.Equal(0, held);
    }

    [Fact]
    public async Task A_process_killed_mid_run_never_causes_a_grant_past_the_allowance_and_costs_at_most_its_block()
    {
        var workers = new List<WorkerProcess>();
        try
        {
            var victim = await StartAsync("leasestream");
            workers.Add(victim);
            for (var i = 0; i < 3; i++)
            {
                workers.Add(await StartAsync("lease", SurvivorAttempts));
            }

            // The victim starts first and takes a block; the survivors join; kill -9 once the victim has granted a few
            // hundred units among them: mid-run for everyone, with the victim's block open.
            await victim.GoAsync();
            long acknowledged = 0;
            async Task ReadAcksAsync(long until)
            {
                while (acknowledged < until)
                {
                    var line = await victim.ReadLineAsync();
                    Assert.True(line == "ack", $"The victim said '{line}' instead of 'ack' (it consumes until killed). Its errors: {victim.Errors}");
                    acknowledged++;
                }
            }

            await ReadAcksAsync(100);
            await Task.WhenAll(workers.Skip(1).Select(w => w.GoAsync()));
            await ReadAcksAsync(300);
            await victim.KillAsync();
            while (await victim.ReadLineAsync() == "ack")
            {
                acknowledged++;
            }

            long survivors = 0;
            foreach (var worker in workers.Skip(1))
            {
                survivors += await ReadCountAsync(worker, "granted");
                Assert.Equal("settled", await worker.ReadLineAsync());
                Assert.Equal(0, await worker.WaitForExitAsync());
            }

            var (used, held) = await ReadAsync();
            output.WriteLine($"killed process acknowledged {acknowledged}; survivors granted {survivors}; total {acknowledged + survivors} of {Allowance}; the killed lease still holds {held}");

            // Never over; everything is spent or held by the dead lease; the dead lease costs at most what it held, plus
            // the grants it made but had not printed when it died (at most one per caller).
            Assert.True(acknowledged + survivors <= Allowance, $"{acknowledged + survivors} granted against {Allowance}.");
            Assert.Equal(Allowance, used);
            Assert.True(acknowledged + survivors >= Allowance - held - Callers, $"{acknowledged + survivors} granted: more lost than the dead lease's {held} units.");
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }
        }
    }

    private static async Task<long> ReadCountAsync(WorkerProcess worker, string label)
    {
        string? line;
        do
        {
            line = await worker.ReadLineAsync();
        }
        while (line == "ack");
        Assert.True(line is not null && line.StartsWith(label + " ", StringComparison.Ordinal), $"The worker said '{line}' instead of '{label} N'. Its errors: {worker.Errors}");
        return long.Parse(line.AsSpan(label.Length + 1), CultureInfo.InvariantCulture);
    }

    private Task<WorkerProcess> StartAsync(string mode, int attempts = AttemptsPerProcess)
        => WorkerProcess.StartAsync(
            mode,
            Database.FilePath,
            "api",
            "shared",
            Now.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture),
            attempts.ToString(CultureInfo.InvariantCulture),
            Allowance.ToString(CultureInfo.InvariantCulture),
            Callers.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads the subject's counter of the month, and what leases still hold in it.</summary>
    private async Task<(long Used, long Held)> ReadAsync()
    {
        await using var store = new SqliteQuotaStore(Database.ConnectionString, new FakeClock(Now));
        var counter = new QuotaCounterKey("api", "shared", Instant.FromUtc(2026, 1, 1, 0, 0));
        return ((await store.ReadAsync(counter)).GetValueOrDefault("requests"), (await store.ReadHeldAsync(counter)).GetValueOrDefault("requests"));
    }
}
