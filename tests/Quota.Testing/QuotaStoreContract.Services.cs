using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Quota.Testing;

public abstract partial class QuotaStoreContract
{
    /// <summary>
    /// Builds a service over <paramref name="store"/> the way an application does, reading time from
    /// <paramref name="clock"/>: one app instance. Several built on one store (or on a store and its peer) are
    /// instances sharing the store. <paramref name="quota"/> adds to the builder (alert handlers, options). Dispose the
    /// provider when done.
    /// </summary>
    protected static ServiceProvider CreateServices(IQuotaStore store, IClock clock, string policy, Action<QuotaPolicyOptions> configure, Action<QuotaBuilder>? quota = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock);
        var builder = services.AddQuota()
            .AddPolicy(policy, p =>
            {
                // A bound no healthy call reaches on a loaded machine: these tests are about counting, not timeouts.
                p.StoreTimeout = TimeSpan.FromSeconds(30);
                configure(p);
            })
            .UseStore(_ => store);
        quota?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Starts two app instances with <see cref="OneRequestADay"/> as <paramref name="policy"/>: one on a new store under
    /// test, the other on its peer with a clock a second ahead.
    /// </summary>
    protected InstancesASecondApart StartInstancesASecondApart(string policy)
    {
        var store = CreateStore(Clock);
        var behind = new FakeClock(Clock.GetCurrentInstant());
        var ahead = new FakeClock(Clock.GetCurrentInstant() + Duration.FromSeconds(1));
        return new InstancesASecondApart(
            behind,
            ahead,
            CreateServices(store, behind, policy, OneRequestADay),
            CreateServices(CreatePeerStore(store, Clock), ahead, policy, OneRequestADay));
    }

    /// <summary>A first-use policy of one request a day: the smallest allowance, so any extra grant shows.</summary>
    protected static void OneRequestADay(QuotaPolicyOptions policy)
    {
        policy.Period = "daily";
        policy.AnchorMode = QuotaAnchorMode.FirstUse;
        policy.Allowances["requests"] = 1;
    }

    /// <summary>Two app instances sharing one store, whose clocks differ by a second.</summary>
    protected sealed class InstancesASecondApart(FakeClock behindClock, FakeClock aheadClock, ServiceProvider behind, ServiceProvider ahead) : IAsyncDisposable
    {
        public FakeClock BehindClock { get; } = behindClock;

        public FakeClock AheadClock { get; } = aheadClock;

        public IQuotaService Behind { get; } = behind.GetRequiredService<IQuotaService>();

        public IQuotaService Ahead { get; } = ahead.GetRequiredService<IQuotaService>();

        public async ValueTask DisposeAsync()
        {
            await behind.DisposeAsync();
            await ahead.DisposeAsync();
        }
    }
}
