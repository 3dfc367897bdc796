using System.Globalization;
using Xunit.Abstractions;

namespace Quota.Tests.Support;

/// <summary>
/// The leased multi-process scenarios every leasing store runs with the worker (tests/Quota.Stores.Sqlite.Tests.Worker):
/// four OS processes of sixteen callers on one subject with an allowance of 10,000. Shared by the SQLite and Redis tests.
/// </summary>
internal static class LeaseProcessScenarios
{
    public const int Allowance = 10_000;
    public const int AttemptsPerProcess = 10_000;
    public const int Callers = 16;

    // The kill test's survivors: enough attempts to use up what the victim leaves (it grants a few thousand before it
    // dies), few enough that the refusals after that (each a store call) stay quick on a loaded machine.
    public const int SurvivorAttempts = 5_000;

    /// <summary>Starts a worker in <paramref name="mode"/> making <paramref name="attempts"/> consumes.</summary>
    public delegate Task<WorkerProcess> Start(string mode, int attempts);

    /// <summary>Reads the subject's counter and what leases still hold in it.</summary>
    public delegate Task<(long Used, long Held)> Read();

    /// <summary>Four processes granting from blocks: exactly the allowance once all have settled.</summary>
    public static async Task ExactTotalsAsync(Start start, Read read, ITestOutputHelper output)
    {
        var workers = new List<WorkerProcess>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                workers.Add(await start("lease", AttemptsPerProcess));
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

        var (used, held) = await read();
        Assert.Equal(Allowance, used);
        Assert.Equal(0, held);
    }

    /// <summary>Kill -9 of one process mid-run: never over the allowance; the dead block is all that is lost.</summary>
    public static async Task KilledMidRunAsync(Start start, Read read, ITestOutputHelper output)
    {
        var workers = new List<WorkerProcess>();
        try
        {
            var victim = await start("leasestream", 0);
            workers.Add(victim);
            for (var i = 0; i < 3; i++)
            {
                workers.Add(await start("lease", SurvivorAttempts));
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

            var (used, held) = await read();
            output.WriteLine($"killed process acknowledged {acknowledged}; survivors granted {survivors}; total {acknowledged + survivors} of {Allowance}; the killed lease still holds {held}");

            // Never over; everything is spent or held by the dead lease; the dead lease costs at most what it held, plus
            // the grants it made but had not printed when it died (at most one per caller).
            Assert.True(acknowledged < Allowance, $"The victim granted all {acknowledged} before it was killed: the kill was not mid-run.");
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

    /// <summary>The worker's arguments after its mode and database: policy, subject, clock, attempts, allowance, callers.</summary>
    public static string[] Arguments(string mode, string database, string policy, Instant now, int attempts)
        => [mode, database, policy, "shared", now.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture), attempts.ToString(CultureInfo.InvariantCulture), Allowance.ToString(CultureInfo.InvariantCulture), Callers.ToString(CultureInfo.InvariantCulture)];

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
}
