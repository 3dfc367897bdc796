using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Quota;
using Quota.Tests.Worker;

// Usage: Worker <mode> <database> <policy> <subject> <clock unix ticks> [count] [limit] [callers]
//    (<database> is a SQLite file, or "redis=<configuration>" for the Redis store)
//    or: Worker create <folder> <policy> <subjects> <clock unix ticks> <calls each> <allowance> <callers>
//   consume: `callers` tasks share `count` consumes of requests = 1 and tokens = 2, each one all-or-nothing transaction;
//            tokens (allowance 2 * `limit`) run out while requests (allowance 10 * `limit`) still have room, so a
//            refused consume must undo the requests it already added. Prints "granted N" (N = `limit` when exact).
//   record:  `callers` tasks share `count` RecordAsync calls of rows = 3; prints "recorded N".
//   stream:  consumes one by one until killed, printing "try I" before and "ack I" after each allowed consume.
//   hold:    takes the file's write lock (BEGIN IMMEDIATE on a connection of its own), prints "holding", keeps it for
//            `count` milliseconds, then commits and prints "released": another application holding the lock.
//   lease:   the policy leases (allowance `limit` requests, settling every 50 ms); `callers` tasks share `count` default
//            consumes; prints "granted N", then shuts down (giving its blocks back) and prints "settled".
//   leasestream: as lease, but consumes until killed (ignoring `count`), printing "ack" after every allowed consume and
//            then pausing a millisecond.
//   create:  new files opened by several workers at once, first-use subjects (see NewFileRounds).
// Each mode prints "ready" (once the store is open, except create), then waits for a line on stdin before it starts.
var mode = args[0];
if (mode == "create")
{
    Console.Out.WriteLine("ready");
    Console.Out.Flush();
    await NewFileRounds.RunAsync(
        folder: args[1],
        policy: args[2],
        start: Instant.FromUnixTimeTicks(long.Parse(args[4], CultureInfo.InvariantCulture)),
        subjects: int.Parse(args[3], CultureInfo.InvariantCulture),
        allowance: long.Parse(args[6], CultureInfo.InvariantCulture),
        callers: int.Parse(args[7], CultureInfo.InvariantCulture),
        callsEach: int.Parse(args[5], CultureInfo.InvariantCulture));
    return;
}

var database = args[1];
var policy = args[2];
var subject = args[3];
var clock = new FixedClock(Instant.FromUnixTimeTicks(long.Parse(args[4], CultureInfo.InvariantCulture)));
var count = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 0;
var limit = args.Length > 6 ? long.Parse(args[6], CultureInfo.InvariantCulture) : long.MaxValue / 2;
var callers = args.Length > 7 ? int.Parse(args[7], CultureInfo.InvariantCulture) : 1;

var leased = mode.StartsWith("lease", StringComparison.Ordinal);
var services = new ServiceCollection();
services.AddSingleton<IClock>(clock);
var quotaBuilder = services.AddQuota()
    .AddPolicy(policy, p =>
    {
        p.Period = "monthly";
        p.AnchorMode = QuotaAnchorMode.Calendar;
        if (leased)
        {
            p.Allowances["requests"] = limit;
            p.Lease.Enabled = true;
            p.Lease.SettleInterval = TimeSpan.FromMilliseconds(50);

            // Four processes of sixteen callers on a loaded machine: these runs are about counting, not timeouts.
            p.StoreTimeout = TimeSpan.FromSeconds(30);
        }
        else
        {
            p.Allowances["requests"] = limit == long.MaxValue / 2 ? limit : limit * 10;
            p.Allowances["tokens"] = limit == long.MaxValue / 2 ? limit : limit * 2;
        }
    });
if (database.StartsWith("redis=", StringComparison.Ordinal))
{
    quotaBuilder.UseRedisStore(database["redis=".Length..]);
}
else
{
    quotaBuilder.UseSqliteStore($"Data Source={database}");
}

var provider = services.BuildServiceProvider();
var quota = provider.GetRequiredService<IQuotaService>();
await quota.GetUsageAsync(policy, subject);

var output = Console.Out;
output.WriteLine("ready");
output.Flush();
Console.In.ReadLine();

switch (mode)
{
    case "consume":
    {
        long granted = 0;
        var next = 0;
        var amounts = new Dictionary<string, long> { ["requests"] = 1, ["tokens"] = 2 };
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var decision = await quota.TryConsumeAsync(policy, subject, amounts);
                if (decision.Outcome == QuotaOutcome.Allowed)
                {
                    Interlocked.Increment(ref granted);
                }
                else if (decision.Outcome != QuotaOutcome.Refused)
                {
                    throw new InvalidOperationException($"Unexpected outcome {decision.Outcome}", decision.Failure);
                }
            }
        })));
        output.WriteLine($"granted {granted}");
        break;
    }

    case "record":
    {
        long recorded = 0;
        var next = 0;
        var amounts = new Dictionary<string, long> { ["rows"] = 3 };
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                if (await quota.RecordAsync(policy, new QuotaSubject(subject), amounts))
                {
                    Interlocked.Increment(ref recorded);
                }
            }
        })));
        output.WriteLine($"recorded {recorded}");
        break;
    }

    case "stream":
        for (var i = 1; ; i++)
        {
            output.WriteLine($"try {i}");
            output.Flush();
            var decision = await quota.TryConsumeAsync(policy, subject);
            if (decision.Outcome != QuotaOutcome.Allowed)
            {
                throw new InvalidOperationException($"Unexpected outcome {decision.Outcome}", decision.Failure);
            }

            output.WriteLine($"ack {i}");
            output.Flush();
        }

    case "hold":
    {
        await using var connection = new SqliteConnection($"Data Source={database}");
        await connection.OpenAsync();
        await using (var begin = connection.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        output.WriteLine("holding");
        output.Flush();
        await Task.Delay(count);
        await using (var commit = connection.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }

        output.WriteLine("released");
        break;
    }

    case "lease":
    case "leasestream":
    {
        long granted = 0;
        var next = 0;
        var stream = mode == "leasestream";
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            while (stream || Interlocked.Increment(ref next) <= count)
            {
                var decision = await quota.TryConsumeAsync(policy, subject);
                if (decision.Outcome == QuotaOutcome.Allowed)
                {
                    Interlocked.Increment(ref granted);
                    if (stream)
                    {
                        lock (output)
                        {
                            output.WriteLine("ack");
                            output.Flush();
                        }

                        // Paced (at most a consume per caller and millisecond), so that the kill lands mid-run: unpaced,
                        // the victim could spend the whole allowance before the test had read its first acks.
                        await Task.Delay(1);
                    }
                }
                else if (decision.Outcome != QuotaOutcome.Refused)
                {
                    throw new InvalidOperationException($"Unexpected outcome {decision.Outcome}", decision.Failure);
                }
            }
        })));
        output.WriteLine($"granted {granted}");
        output.Flush();
        await provider.DisposeAsync();
        output.WriteLine("settled");
        break;
    }

    default:
        throw new ArgumentException($"Unknown mode '{mode}'. Use consume, record, stream, hold, lease or leasestream.", nameof(args));
}

output.Flush();
await provider.DisposeAsync();
