using Microsoft.Extensions.DependencyInjection;

namespace Quota.Benchmarks.Redis;

/// <summary>Quota on Redis with two calendar-anchored policies: one meter, and two meters.</summary>
internal sealed class RedisQuotaSetup : IDisposable
{
    public const string OneMeter = "bench-one-meter";
    public const string TwoMeters = "bench-two-meters";

    private readonly ServiceProvider _provider;

    public RedisQuotaSetup(string configuration)
    {
        var services = new ServiceCollection();
        services.AddQuota()
            .AddPolicy(OneMeter, p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;
                p.Allowances["requests"] = long.MaxValue / 2;
            })
            .AddPolicy(TwoMeters, p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;
                p.Allowances["requests"] = long.MaxValue / 2;
                p.Allowances["tokens"] = long.MaxValue / 2;
            })
            .UseRedisStore(configuration);
        _provider = services.BuildServiceProvider();
        Quota = _provider.GetRequiredService<IQuotaService>();
    }

    public IQuotaService Quota { get; }

    /// <summary>Gets the amounts of the two-meter consume: one request and 250 tokens.</summary>
    public IReadOnlyDictionary<string, long> TwoMeterAmounts { get; } = new Dictionary<string, long> { ["requests"] = 1, ["tokens"] = 250 };

    /// <summary>Consumes until the store is connected and its scripts are cached, so the first measured call is typical.</summary>
    public void WarmUp()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Quota.TryConsumeAsync(OneMeter, "warm-up").AsTask().GetAwaiter().GetResult().Outcome != QuotaOutcome.Allowed
            || Quota.TryConsumeAsync(TwoMeters, "warm-up", TwoMeterAmounts).AsTask().GetAwaiter().GetResult().Outcome != QuotaOutcome.Allowed)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Quota on Redis did not become ready within 30 s.");
            }

            Thread.Sleep(50);
        }
    }

    public void Dispose() => _provider.Dispose();
}
