using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Quota.Benchmarks.Redis;

namespace Quota.Benchmarks.Leasing;

/// <summary>
/// 64 concurrent callers over 8 subjects, each making <see cref="CallsPerCaller"/> consumes in a row; time per consume.
/// The baseline is the in-memory store; the leased rows grant from blocks of a shared store, topped up and settled in
/// the background. Target: leased throughput at least 0.8× the in-memory store's (a ratio of at most 1.25).
/// </summary>
[MemoryDiagnoser]
public class LeasedThroughputBenchmarks
{
    private const int Callers = 64;
    private const int CallsPerCaller = 200;
    private const int Calls = Callers * CallsPerCaller;
    private const string Policy = "api";
    private static readonly string[] Subjects = Enumerable.Range(0, 8).Select(i => "org-" + i).ToArray();

    private readonly List<ServiceProvider> _providers = [];
    private string _file = "";
    private IQuotaService _memory = null!;
    private IQuotaService _sqlite = null!;
    private IQuotaService _redis = null!;
    private RedisBenchmarkServer _redisServer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), $"quota-lease-bench-{Guid.NewGuid():N}.db");
        _memory = Start(quota => quota.UseInMemoryStore());
        _sqlite = Start(quota => quota.UseSqliteStore($"Data Source={_file}"));
        _redisServer = RedisBenchmarkServer.Start();
        _redis = Start(quota => quota.UseRedisStore(_redisServer.Configuration));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        _redisServer.Dispose();

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_file)!, Path.GetFileName(_file) + "*"))
        {
            File.Delete(file);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls, Description = "in-memory store, 64 callers")]
    public Task InMemory() => Run(_memory);

    [Benchmark(OperationsPerInvoke = Calls, Description = "leased SQLite, 64 callers")]
    public Task LeasedSqlite() => Run(_sqlite);

    [Benchmark(OperationsPerInvoke = Calls, Description = "leased Redis, 64 callers")]
    public Task LeasedRedis() => Run(_redis);

    private static Task Run(IQuotaService quota)
    {
        var tasks = new Task[Callers];
        for (var i = 0; i < Callers; i++)
        {
            var key = Subjects[i % Subjects.Length];
            tasks[i] = Task.Run(async () =>
            {
                for (var n = 0; n < CallsPerCaller; n++)
                {
                    await quota.TryConsumeAsync(Policy, key);
                }
            });
        }

        return Task.WhenAll(tasks);
    }

    private IQuotaService Start(Action<QuotaBuilder> store)
    {
        var services = new ServiceCollection();
        var quota = services.AddQuota().AddPolicy(Policy, p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 1_000_000_000_000;
            p.Lease.Enabled = true;
        });
        store(quota);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        var service = provider.GetRequiredService<IQuotaService>();
        Run(service).GetAwaiter().GetResult();
        return service;
    }
}
