using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Quota.Benchmarks.Sqlite;

/// <summary>
/// The SQLite store's consume against its physical floor: one prepared <c>INSERT … ON CONFLICT DO UPDATE … RETURNING</c>
/// on a file with the same settings (WAL, synchronous=NORMAL). Run:
/// <c>dotnet run -c Release -- --filter '*SqliteConsume*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class SqliteConsumeBenchmarks
{
    private const int ConcurrentCallers = 8;
    private const int ConsumesPerCaller = 64;
    private readonly Dictionary<string, long> _twoMeters = new() { ["requests"] = 1, ["tokens"] = 10 };
    private string _folder = null!;
    private SqliteConnection _raw = null!;
    private SqliteCommand _upsert = null!;
    private ServiceProvider _provider = null!;
    private IQuotaService _quota = null!;
    private string[] _callerKeys = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "quota-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);

        _raw = new SqliteConnection($"Data Source={Path.Combine(_folder, "raw.db")};Pooling=False");
        _raw.Open();
        using (var setup = _raw.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                + "CREATE TABLE usage (key TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;";
            setup.ExecuteNonQuery();
        }

        _upsert = _raw.CreateCommand();
        _upsert.CommandText = "INSERT INTO usage (key, value) VALUES ($key, 1) ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value";
        _upsert.Parameters.AddWithValue("$key", "subject");
        _upsert.Prepare();

        var services = new ServiceCollection();
        services.AddQuota()
            .AddPolicy("monthly-one", p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;
                p.Allowances["requests"] = long.MaxValue / 2;
            })
            .AddPolicy("monthly-two", p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;
                p.Allowances["requests"] = long.MaxValue / 2;
                p.Allowances["tokens"] = long.MaxValue / 2;
            })
            .AddPolicy("first-use", p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.FirstUse;
                p.Allowances["requests"] = long.MaxValue / 2;
            })
            .UseSqliteStore($"Data Source={Path.Combine(_folder, "quota.db")}");
        _provider = services.BuildServiceProvider();
        _quota = _provider.GetRequiredService<IQuotaService>();
        _callerKeys = Enumerable.Range(0, ConcurrentCallers).Select(i => "caller-" + i).ToArray();

        await _quota.TryConsumeAsync("monthly-one", "subject");
        await _quota.TryConsumeAsync("monthly-two", "subject", _twoMeters);
        await _quota.TryConsumeAsync("first-use", "subject");
        foreach (var key in _callerKeys)
        {
            await _quota.TryConsumeAsync("monthly-one", key);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _provider.DisposeAsync();
        _upsert.Dispose();
        _raw.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw prepared upsert … RETURNING")]
    public long RawUpsert()
    {
        using var reader = _upsert.ExecuteReader();
        reader.Read();
        return reader.GetInt64(0);
    }

    [Benchmark(Description = "TryConsumeAsync, 1 meter, calendar anchor")]
    public ValueTask<QuotaDecision> ConsumeOneMeter() => _quota.TryConsumeAsync("monthly-one", "subject");

    [Benchmark(Description = "TryConsumeAsync, 2 meters, calendar anchor")]
    public ValueTask<QuotaDecision> ConsumeTwoMeters() => _quota.TryConsumeAsync("monthly-two", "subject", _twoMeters);

    [Benchmark(Description = "TryConsumeAsync, 1 meter, first-use anchor")]
    public ValueTask<QuotaDecision> ConsumeFirstUse() => _quota.TryConsumeAsync("first-use", "subject");

    /// <summary>8 callers at once, each on its own subject; the mean is per consume, so consumes per second = 1 s / mean.</summary>
    [Benchmark(OperationsPerInvoke = ConcurrentCallers * ConsumesPerCaller, Description = "TryConsumeAsync, 1 meter, 8 concurrent callers (per consume)")]
    public Task ConsumeEightCallers()
    {
        var callers = new Task[ConcurrentCallers];
        for (var i = 0; i < callers.Length; i++)
        {
            var key = _callerKeys[i];
            callers[i] = Task.Run(async () =>
            {
                for (var n = 0; n < ConsumesPerCaller; n++)
                {
                    await _quota.TryConsumeAsync("monthly-one", key);
                }
            });
        }

        return Task.WhenAll(callers);
    }
}
