using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Headers;

/// <summary>
/// The headers are written before the endpoint runs and kept current until the response starts: what each response reports
/// when the endpoint starts it itself, sets meters late, or throws into an exception handler that clears the response.
/// </summary>
public sealed class RateLimitHeadersTimingTests
{
    private static Task<QuotaTestHost> HostAsync() => QuotaTestHost.StartAsync(
        quota => quota
            .AddPolicy("monthly", p => { p.Period = "monthly"; p.Allowances["requests"] = 3; })
            .AddPolicy("tokens", p => { p.Period = "monthly"; p.Allowances["tokens"] = 1000; }),
        endpoints =>
        {
            endpoints.MapGet("/bad-request", async (HttpContext context) =>
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("no");
            }).RequireQuota("monthly");
            endpoints.MapGet("/throws", string () => throw new InvalidOperationException(ExceptionHandlerStandIn.Message)).RequireQuota("monthly");
            endpoints.MapGet("/late-meters", async (HttpContext context) =>
            {
                await context.Response.WriteAsync("ok");
                context.SetQuotaMeters("tokens", 100);
            }).RequireQuota("tokens");
            endpoints.MapGet("/early-meters", async (HttpContext context) =>
            {
                context.SetQuotaMeters(new Dictionary<string, long> { ["tokens"] = 60 });
                context.SetQuotaMeters("tokens", 40);
                await context.Response.WriteAsync("ok");
            }).RequireQuota("tokens");
        },
        outer: app => app.UseExceptionHandler(error => error.Run(context => context.Response.WriteAsync("handled"))));

    [Fact]
    public async Task A_response_the_endpoint_started_itself_reports_its_request_counted_and_gives_it_back_afterwards()
    {
        await using var host = await HostAsync();
        for (var i = 0; i < 2; i++)
        {
            var response = await host.GetAsync("/bad-request");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("\"monthly\";q=3;w=2678400", response.Header("RateLimit-Policy"));
            Assert.Equal("\"monthly\";r=2;t=2678400", response.Header("RateLimit"));
            Assert.Equal(0, (await host.Quota.GetUsageAsync("monthly", "alice")).Meters.GetValueOrDefault("requests"));
        }
    }

    [Fact]
    public async Task An_exception_handler_that_clears_the_response_still_sends_the_headers_with_the_request_given_back()
    {
        await using var host = await HostAsync();
        var response = await host.GetAsync("/throws");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("handled", await response.Content.ReadAsStringAsync());
        Assert.Equal("\"monthly\";q=3;w=2678400", response.Header("RateLimit-Policy"));
        Assert.Equal("\"monthly\";r=3;t=2678400", response.Header("RateLimit"));
        Assert.Equal(0, (await host.Quota.GetUsageAsync("monthly", "alice")).Meters.GetValueOrDefault("requests"));
    }

    [Fact]
    public async Task Meters_set_before_the_response_starts_are_in_its_headers()
    {
        await using var host = await HostAsync();
        var response = await host.GetAsync("/early-meters");

        Assert.Equal("\"tokens\";r=900;t=2678400", response.Header("RateLimit"));
        Assert.Equal(100, (await host.Quota.GetUsageAsync("tokens", "alice")).Meters["tokens"]);
    }

    [Fact]
    public async Task Meters_set_after_the_response_started_are_recorded_and_show_from_the_next_response_on()
    {
        await using var host = await HostAsync();
        var first = await host.GetAsync("/late-meters");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("\"tokens\";r=1000;t=2678400", first.Header("RateLimit"));
        Assert.Equal(100, (await host.Quota.GetUsageAsync("tokens", "alice")).Meters["tokens"]);

        var second = await host.GetAsync("/late-meters");
        Assert.Equal("\"tokens\";r=900;t=2678400", second.Header("RateLimit"));
        Assert.Equal(200, (await host.Quota.GetUsageAsync("tokens", "alice")).Meters["tokens"]);
    }
}
