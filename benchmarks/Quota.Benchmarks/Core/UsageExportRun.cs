using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Quota.Stores.Redis;
using Quota.Stores.Sqlite;

namespace Quota.Benchmarks.Core;

/// <summary>
/// A billing run, measured: fills a store with one counter per subject, then exports the policy's usage to a file and
/// prints the time it took and the memory it used. Not a BenchmarkDotNet benchmark: one export of 100,000 subjects is
/// the operation, and its peak memory is the question, which BenchmarkDotNet does not report.
/// </summary>
/// <remarks>
/// <code>
/// dotnet run -c Release -- export --store sqlite --subjects 100000 --format csv
/// dotnet run -c Release -- export --store memory --subjects 100000 --format jsonl
/// dotnet run -c Release -- export --store redis --redis 127.0.0.1:6379 --subjects 100000 --format csv
/// </code>
/// The Redis run writes under a fresh key prefix of the server it is given, and leaves those keys behind.
/// The process's working set and managed heap are sampled every 5 ms from just before the export to its end; the figures
/// are their peaks, and the peaks less the level before the export (what the export itself added).
/// </remarks>
internal static class UsageExportRun
{
    public static async Task<int> RunAsync(string[] args)
    {
        var store = Option(args, "--store", "sqlite");
        var subjects = int.Parse(Option(args, "--subjects", "100000"), CultureInfo.InvariantCulture);
        var format = Option(args, "--format", "csv") == "jsonl" ? QuotaExportFormat.JsonLines : QuotaExportFormat.Csv;
        var folder = Path.Combine(Path.GetTempPath(), "quota-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var services = new ServiceCollection();
            var quota = services.AddQuota().AddPolicy("api", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 1_000;
                p.Allowances["tokens"] = 1_000_000;
            });
            if (store == "sqlite")
            {
                quota.UseSqliteStore($"Data Source={Path.Combine(folder, "quota.db")}");
            }
            else if (store == "redis")
            {
                quota.UseRedisStore(options =>
                {
                    options.Configuration = Option(args, "--redis", "127.0.0.1:6379");
                    options.KeyPrefix = "quota-export-" + Guid.NewGuid().ToString("N");
                });
                quota.AddPolicy("api", p => p.StoreTimeout = TimeSpan.FromSeconds(30));
            }

            await using var provider = services.BuildServiceProvider();
            var service = provider.GetRequiredService<IQuotaService>();
            var fill = Stopwatch.StartNew();
            var amounts = new Dictionary<string, long> { ["requests"] = 1, ["tokens"] = 0 };
            for (var i = 0; i < subjects; i++)
            {
                amounts["tokens"] = i % 5_000;
                await service.TryConsumeAsync("api", "customer-" + i.ToString("D7", CultureInfo.InvariantCulture), amounts);
            }

            fill.Stop();
            var file = Path.Combine(folder, format == QuotaExportFormat.Csv ? "usage.csv" : "usage.jsonl");
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            using var sampler = new MemorySampler();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var export = Stopwatch.StartNew();
            long written;
            await using (var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                written = await service.ExportUsageAsync("api", output, format);
            }

            export.Stop();
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var (workingSetBefore, workingSetPeak, heapBefore, heapPeak) = sampler.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"store {store}, {subjects:N0} subjects, filled in {fill.Elapsed.TotalSeconds:0.0} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"export {format}: {written:N0} subjects, {new FileInfo(file).Length / 1048576.0:0.0} MB in {export.Elapsed.TotalSeconds:0.00} s ({written / export.Elapsed.TotalSeconds:N0} subjects/s)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"working set: {Mb(workingSetBefore)} before, peak {Mb(workingSetPeak)} (+{Mb(workingSetPeak - workingSetBefore)}); peak of the process {Mb(Environment.WorkingSet)} now, {Mb(Process.GetCurrentProcess().PeakWorkingSet64)} at most"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"managed heap: {Mb(heapBefore)} before, peak {Mb(heapPeak)} (+{Mb(heapPeak - heapBefore)}); {Mb(allocated)} allocated in all by the export"));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB");

    /// <summary>Samples the working set and the managed heap on a thread of its own until stopped.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly Thread _thread;
        private readonly long _workingSetBefore = Environment.WorkingSet;
        private readonly long _heapBefore = GC.GetTotalMemory(forceFullCollection: false);
        private long _workingSetPeak;
        private long _heapPeak;
        private volatile bool _stopped;

        public MemorySampler()
        {
            _workingSetPeak = _workingSetBefore;
            _heapPeak = _heapBefore;
            _thread = new Thread(() =>
            {
                while (!_stopped)
                {
                    _workingSetPeak = Math.Max(_workingSetPeak, Environment.WorkingSet);
                    _heapPeak = Math.Max(_heapPeak, GC.GetTotalMemory(forceFullCollection: false));
                    Thread.Sleep(5);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public (long WorkingSetBefore, long WorkingSetPeak, long HeapBefore, long HeapPeak) Stop()
        {
            _stopped = true;
            _thread.Join();
            return (_workingSetBefore, Math.Max(_workingSetPeak, Environment.WorkingSet), _heapBefore, Math.Max(_heapPeak, GC.GetTotalMemory(false)));
        }

        public void Dispose() => Stop();
    }
}
