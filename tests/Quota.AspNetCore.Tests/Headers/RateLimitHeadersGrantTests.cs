using System.Net;
using Microsoft.AspNetCore.Builder;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Headers;

/// <summary>A grant raises the limit the headers advertise, at once and for the rest of the cycle only (issue 17).</summary>
public sealed class RateLimitHeadersGrantTests
{
    [Fact]
    public async Task A_grant_shows_in_the_headers_and_lets_the_caller_through_until_the_cycle_ends()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("monthly", p => { p.Period = "monthly"; p.Allowances["requests"] = 2; }),
            endpoints => endpoints.MapGet("/one", () => "ok").RequireQuota("monthly"));
        await host.GetAsync("/one");
        await host.GetAsync("/one");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.GetAsync("/one")).StatusCode);

        await host.Quota.GrantAsync("monthly", "alice", "requests", 3, "ticket 4711");
        var granted = await host.GetAsync("/one");

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal("\"monthly\";q=5;w=2678400", granted.Header("RateLimit-Policy"));
        Assert.Equal("\"monthly\";r=2;t=2678400", granted.Header("RateLimit"));

        host.Clock.Advance(Duration.FromDays(31));
        var nextCycle = await host.GetAsync("/one");
        Assert.Equal("\"monthly\";q=2;w=2419200", nextCycle.Header("RateLimit-Policy"));
    }
}
