using NodaTime.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Quota.AspNetCore.Tests.Middleware;

/// <summary>The request's quota state: a lone policy's call held inline, several in one array, found again through the features.</summary>
public sealed class QuotaFeatureTests
{
    private static HttpPolicy[] Policies(params string[] names)
    {
        var services = new ServiceCollection().AddSingleton<NodaTime.IClock>(FakeClock.FromUtc(2026, 1, 1));
        var quota = services.AddQuota();
        foreach (var name in names)
        {
            quota.AddPolicy(name, p => { p.Period = "monthly"; p.Allowances["requests"] = 10; });
        }

        var service = services.BuildServiceProvider().GetRequiredService<IQuotaService>();
        return names.Select(name => new HttpPolicy(service.GetPolicy(name), new QuotaHttpPolicyOptions())).ToArray();
    }

    [Fact]
    public void A_lone_policy_call_is_kept_where_its_reference_points()
    {
        var policies = Policies("monthly");
        var feature = new QuotaFeature(new DefaultHttpContext(), policies);

        Assert.Equal(1, feature.Count);
        Assert.Same(policies[0], feature.Call(0).Policy);
        feature.Call(0).Skipped = true;
        feature.Calls[0].Refunded = true;
        Assert.True(feature.Calls[0].Skipped);
        Assert.True(feature.Call(0).Refunded);
        Assert.Equal(0, feature.IndexOf("MONTHLY"));
        Assert.Equal(-1, feature.IndexOf("daily"));
    }

    [Fact]
    public void Several_policies_keep_their_order_and_their_own_calls()
    {
        var policies = Policies("daily", "monthly", "tokens");
        var feature = new QuotaFeature(new DefaultHttpContext(), policies);

        Assert.Equal(3, feature.Count);
        Assert.Equal(policies, feature.Calls.ToArray().Select(c => c.Policy));
        feature.Call(1).Skipped = true;
        Assert.False(feature.Call(0).Skipped);
        Assert.True(feature.Call(1).Skipped);
        Assert.False(feature.Call(2).Skipped);
        Assert.Equal(2, feature.IndexOf("tokens"));
    }

    [Fact]
    public void Each_request_has_its_own_state_found_through_its_features()
    {
        var policies = Policies("monthly");
        var first = new DefaultHttpContext();
        var second = new DefaultHttpContext();
        Assert.Null(QuotaFeature.Of(first));

        var firstFeature = new QuotaFeature(first, policies);
        firstFeature.Attach();
        firstFeature.AddMeter("tokens", 5);
        var secondFeature = new QuotaFeature(second, policies);
        secondFeature.Attach();

        Assert.Same(firstFeature, QuotaFeature.Of(first));
        Assert.Same(secondFeature, QuotaFeature.Of(second));
        Assert.Same(firstFeature, first.Features.Get<QuotaFeature>());
        Assert.Equal(5, QuotaFeature.Of(first)!.PendingMeter("tokens"));
        Assert.Equal(0, QuotaFeature.Of(second)!.PendingMeter("tokens"));
    }
}
