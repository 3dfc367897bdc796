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

    public static Dictionary<string, long> Amounts(params (string Meter, long Amount)[] amounts)
        => amounts.ToDictionary(a => a.Meter, a => a.Amount);
}
