using System.Net;
using Microsoft.AspNetCore.Builder;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Middleware;

/// <summary>The same behaviour through real Kestrel on a loopback port: headers survive the wire, the refusal is a 429.</summary>
public sealed class QuotaMiddlewareKestrelTests
{
    [Fact]
    public async Task Counts_advertises_and_refuses_over_a_real_socket()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 2; }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"),
            kestrel: true);
        Assert.StartsWith("http://127.0.0.1:", host.Client.BaseAddress!.ToString(), StringComparison.Ordinal);

        var first = await host.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"hello\";q=2;w=2678400", first.Header("RateLimit-Policy"));
        Assert.Equal("\"hello\";r=1;t=2678400", first.Header("RateLimit"));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/hello")).StatusCode);

        var refused = await host.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("2678400", refused.Header("Retry-After"));
        Assert.Equal("\"hello\";r=0;t=2678400", refused.Header("RateLimit"));
        Assert.Equal("quota-exceeded", (await refused.JsonAsync()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/hello", user: null)).StatusCode);
    }
}
