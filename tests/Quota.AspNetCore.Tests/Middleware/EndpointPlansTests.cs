using NodaTime.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Quota.AspNetCore.Tests.Middleware;

/// <summary>Each endpoint gets its own policies, whichever endpoints share a slot of the recent-plan table.</summary>
public sealed class EndpointPlansTests
{
    private static readonly string[] Names = ["daily", "monthly", "tokens", "yearly"];

    private static EndpointPlans Plans(string? global = null)
    {
        var services = new ServiceCollection().AddSingleton<NodaTime.IClock>(FakeClock.FromUtc(2026, 1, 1));
        var quota = services.AddQuota();
        foreach (var name in Names)
        {
            quota.AddPolicy(name, p => { p.Period = "monthly"; p.Allowances["requests"] = 10; });
        }

        var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<QuotaOptions>>().Value;
        options.Http().GlobalPolicy = global;
        return new EndpointPlans(HttpPolicies.Create(provider.GetRequiredService<IQuotaService>(), options));
    }

    /// <summary>Endpoint <paramref name="index"/> requires the policies whose bits are set in it (none: free).</summary>
    private static (Endpoint Endpoint, string[] Expected) Endpoint(int index, string? global)
    {
        var names = Names.Where((_, bit) => (index & (1 << bit)) != 0).ToArray();
        var disabled = index % 7 == 3;
        object[] metadata = disabled
            ? [new DisableQuotaAttribute(), .. names.Select(n => new QuotaAttribute(n))]
            : [.. names.Select(n => new QuotaAttribute(n))];
        string[] expected = disabled ? [] : global is null ? names : [global, .. names.Where(n => n != global)];
        return (new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), $"endpoint {index}"), expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("monthly")]
    public void Many_more_endpoints_than_recent_slots_each_get_their_own_policies_every_time(string? global)
    {
        var plans = Plans(global);
        var endpoints = Enumerable.Range(0, EndpointPlans.RecentSlots * 5).Select(i => Endpoint(i, global)).ToArray();
        var random = new Random(20261121);
        for (var round = 0; round < 20; round++)
        {
            foreach (var (endpoint, expected) in endpoints.OrderBy(_ => random.Next()))
            {
                Assert.Equal(expected, plans.For(endpoint).Select(p => p.Name));
            }
        }
    }

    [Fact]
    public void The_same_endpoint_gets_the_same_plan_and_no_endpoint_gets_the_global_policy()
    {
        var plans = Plans("daily");
        var (endpoint, _) = Endpoint(6, "daily");
        Assert.Same(plans.For(endpoint), plans.For(endpoint));
        Assert.Equal(["daily"], plans.For(null).Select(p => p.Name));
        Assert.Empty(Plans().For(null));
    }
}
