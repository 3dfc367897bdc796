using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Middleware;

/// <summary>The same promises when the store and the endpoint answer asynchronously (the middleware's slow paths).</summary>
public sealed class QuotaMiddlewareAsyncTests
{
    private static Task<QuotaTestHost> HostAsync() => QuotaTestHost.StartAsync(
        quota => quota
            .AddPolicy("daily", p => { p.Period = "daily"; p.Allowances["requests"] = 100; })
            .AddPolicy("monthly", p => { p.Period = "monthly"; p.Allowances["requests"] = 3; p.Allowances["tokens"] = 1000; })
            .UseStore(sp => new YieldingStore(sp.GetRequiredService<IClock>())),
        endpoints =>
        {
            endpoints.MapGet("/ok", async (HttpContext context) =>
            {
                await Task.Yield();
                context.SetQuotaMeters("tokens", 10);
                return "ok";
            }).RequireQuota("daily", "monthly");
            endpoints.MapGet("/missing", async () =>
            {
                await Task.Yield();
                return Results.NotFound();
            }).RequireQuota("daily", "monthly");
            endpoints.MapGet("/throws", async Task<string> () =>
            {
                await Task.Yield();
                throw new InvalidOperationException(ExceptionHandlerStandIn.Message);
            }).RequireQuota("daily", "monthly");
        },
        outer: ExceptionHandlerStandIn.Use);

    [Fact]
    public async Task Counting_refunds_meters_and_refusals_hold_with_an_asynchronous_store_and_endpoint()
    {
        await using var host = await HostAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetAsync("/missing")).StatusCode);
        var thrown = await host.GetAsync("/throws");
        Assert.Equal(HttpStatusCode.InternalServerError, thrown.StatusCode);
        Assert.Equal("yes", thrown.Header("X-Rethrown"));
        for (var i = 0; i < 3; i++)
        {
            var ok = await host.GetAsync("/ok");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal($"\"daily\";r={99 - i};t=86400, \"monthly\";r={2 - i};t=2678400, \"monthly/tokens\";r={990 - (10 * i)};t=2678400", ok.Header("RateLimit"));
        }

        var refused = await host.GetAsync("/ok");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("2678400", refused.Header("Retry-After"));

        var daily = await host.Quota.GetUsageAsync("daily", "alice");
        var monthly = await host.Quota.GetUsageAsync("monthly", "alice");
        Assert.Equal(3, daily.Meters["requests"]);
        Assert.Equal(3, monthly.Meters["requests"]);
        Assert.Equal(30, monthly.Meters["tokens"]);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_through_the_asynchronous_path_let_exactly_the_allowance_through()
    {
        await using var host = await HostAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => host.GetAsync("/ok"))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(3, (await host.Quota.GetUsageAsync("monthly", "alice")).Meters["requests"]);
        Assert.Equal(3, (await host.Quota.GetUsageAsync("daily", "alice")).Meters["requests"]);
    }
}
