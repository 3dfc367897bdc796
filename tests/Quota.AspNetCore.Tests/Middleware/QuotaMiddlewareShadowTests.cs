using System.Net;
using Microsoft.AspNetCore.Builder;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Middleware;

public sealed class QuotaMiddlewareShadowTests
{
    private static Task<QuotaTestHost> HostAsync() => QuotaTestHost.StartAsync(
        quota => quota.AddPolicy("trial", p => { p.Period = "monthly"; p.Allowances["requests"] = 2; p.Enforcement = QuotaEnforcement.Shadow; }),
        endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("trial"));

    [Fact]
    public async Task A_shadow_policy_never_refuses_counts_everything_and_logs_what_it_would_have_refused()
    {
        await using var host = await HostAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/hello")).StatusCode);
        }

        Assert.Equal(5, (await host.Quota.GetUsageAsync("trial", "alice")).Meters["requests"]);
        var wouldHave = host.Logs.Entries.Where(e => e.EventId.Id == 5002).ToList();
        Assert.Equal(3, wouldHave.Count);
        Assert.Contains("'trial' would have refused", wouldHave[0].Message, StringComparison.Ordinal);
        Assert.Contains("used 3 of 2", wouldHave[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shadow_policy_lets_anonymous_callers_through_uncounted()
    {
        await using var host = await HostAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/hello", user: null)).StatusCode);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 5006);
    }
}
