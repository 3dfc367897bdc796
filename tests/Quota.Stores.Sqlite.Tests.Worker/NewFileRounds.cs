using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Quota.Tests.Worker;

/// <summary>
/// The "create" mode: on each "go" line, opens a file that does not exist yet (round-N.db in the folder), as every other
/// worker does at the same moment, and has `callers` tasks consume one request at a time for each of `subjects`
/// first-use subjects; prints "round N granted g0 g1 … failed F" (grants per subject, calls that got no answer).
/// </summary>
internal static class NewFileRounds
{
    public static async Task RunAsync(string folder, string policy, Instant start, int subjects, long allowance, int callers, int callsEach)
    {
        for (var round = 0; Console.In.ReadLine() == "go"; round++)
        {
            var services = new ServiceCollection();
            services.AddSingleton<IClock>(new MovingClock(start));
            services.AddQuota()
                .AddPolicy(policy, p =>
                {
                    p.Period = "daily";
                    p.AnchorMode = QuotaAnchorMode.FirstUse;
                    p.Allowances["requests"] = allowance;
                    p.StoreTimeout = TimeSpan.FromSeconds(30);
                })
                .UseSqliteStore($"Data Source={Path.Combine(folder, $"round-{round}.db")}");
            await using var provider = services.BuildServiceProvider();
            var quota = provider.GetRequiredService<IQuotaService>();
            var granted = new long[subjects];
            long failed = 0;
            await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
            {
                for (var call = 0; call < callsEach; call++)
                {
                    for (var subject = 0; subject < subjects; subject++)
                    {
                        var decision = await quota.TryConsumeAsync(policy, "subject-" + subject.ToString(CultureInfo.InvariantCulture));
                        if (decision.Outcome == QuotaOutcome.Allowed)
                        {
                            Interlocked.Increment(ref granted[subject]);
                        }
                        else if (decision.Outcome != QuotaOutcome.Refused)
                        {
                            Interlocked.Increment(ref failed);
                            await Console.Error.WriteLineAsync($"round {round}: {decision.Outcome}: {decision.Failure?.Message}");
                        }
                    }
                }
            })));

            Console.Out.WriteLine($"round {round} granted {string.Join(' ', granted)} failed {failed}");
            Console.Out.Flush();
        }
    }
}
