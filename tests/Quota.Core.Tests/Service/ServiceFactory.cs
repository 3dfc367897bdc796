using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Quota.Tests.Service;

/// <summary>Builds an <see cref="IQuotaService"/> the way an application does, with a fake clock.</summary>
internal static class ServiceFactory
{
    public static IQuotaService Create(FakeClock clock, Action<QuotaBuilder> configure, IQuotaStore? store = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(clock);
        var builder = services.AddQuota();
        configure(builder);
        if (store is not null)
        {
            builder.UseStore(_ => store);
        }

        return services.BuildServiceProvider().GetRequiredService<IQuotaService>();
    }

    /// <summary>Runs <paramref name="callers"/> concurrent callers, each consuming <paramref name="callsEach"/> times, and counts the grants.</summary>
    public static async Task<long> ConsumeConcurrently(IQuotaService quota, string policy, string key, int callers, int callsEach)
    {
        long granted = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, callers), new ParallelOptions { MaxDegreeOfParallelism = callers }, async (_, ct) =>
        {
            for (var i = 0; i < callsEach; i++)
            {
                if ((await quota.TryConsumeAsync(policy, key, ct)).IsAllowed)
                {
                    Interlocked.Increment(ref granted);
                }
            }
        });

        return granted;
    }

    public static Dictionary<string, long> Amounts(params (string Meter, long Amount)[] amounts)
        => amounts.ToDictionary(a => a.Meter, a => a.Amount);
}
