using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Middleware;

public sealed class QuotaMiddlewareRefusalTests
{
    [Fact]
    public async Task Retry_after_is_the_whole_seconds_until_the_next_reset_and_the_body_names_policy_meter_limit_and_reset()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 2; }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));
        await host.GetAsync("/hello");
        await host.GetAsync("/hello");

        // Now 2026-01-21T07:00:00.4Z: the cycle resets 2026-02-01T00:00Z, 10 days 16 h 59 min 59.6 s away, so 10 days 17 h rounded up.
        host.Clock.Advance(Duration.FromDays(20) + Duration.FromHours(7) + Duration.FromMilliseconds(400));
        var refused = await host.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var expected = (10 * 86400) + (17 * 3600);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Header("Retry-After"));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var body = await refused.JsonAsync();
        Assert.Equal("quota-exceeded", body.GetProperty("type").GetString());
        Assert.Equal("Quota exceeded", body.GetProperty("title").GetString());
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        var violation = Assert.Single(body.GetProperty("policies").EnumerateArray());
        Assert.Equal("hello", violation.GetProperty("policy").GetString());
        Assert.Equal("requests", violation.GetProperty("meter").GetString());
        Assert.Equal(2, violation.GetProperty("limit").GetInt64());
        Assert.Equal(2, violation.GetProperty("used").GetInt64());
        Assert.Equal("2026-02-01T00:00:00Z", violation.GetProperty("resetAt").GetString());
    }

    [Fact]
    public async Task A_refusal_by_one_policy_gives_back_what_the_others_reserved_to_their_cycle()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota
                .AddPolicy("daily", p => { p.Period = "daily"; p.Allowances["requests"] = 100; })
                .AddPolicy("monthly", p => { p.Period = "monthly"; p.Allowances["requests"] = 2; }),
            endpoints => endpoints.MapGet("/completions", () => "ok").RequireQuota("daily", "monthly"));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/completions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/completions")).StatusCode);
        for (var i = 0; i < 5; i++)
        {
            var refused = await host.GetAsync("/completions");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("\"daily\";r=98;t=86400, \"monthly\";r=0;t=2678400", refused.Header("RateLimit"));
            var violation = Assert.Single((await refused.JsonAsync()).GetProperty("policies").EnumerateArray());
            Assert.Equal("monthly", violation.GetProperty("policy").GetString());
        }

        Assert.Equal(2, (await host.Quota.GetUsageAsync("daily", "alice")).Meters["requests"]);
        Assert.Equal(2, (await host.Quota.GetUsageAsync("monthly", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task Every_exhausted_policy_is_named_and_retry_after_waits_for_the_last_reset()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota
                .AddPolicy("daily", p => { p.Period = "daily"; p.Allowances["requests"] = 1; })
                .AddPolicy("monthly", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; }),
            endpoints => endpoints.MapGet("/completions", () => "ok").RequireQuota("daily", "monthly"));
        await host.GetAsync("/completions");
        var refused = await host.GetAsync("/completions");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("2678400", refused.Header("Retry-After"));
        var names = (await refused.JsonAsync()).GetProperty("policies").EnumerateArray().Select(v => v.GetProperty("policy").GetString());
        Assert.Equal(["daily", "monthly"], names);
        Assert.Equal("\"daily\";r=0;t=86400, \"monthly\";r=0;t=2678400", refused.Header("RateLimit"));
    }

    [Fact]
    public async Task OnRejected_can_change_the_response()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota
                .AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 0; })
                .AddHttp(options => options.OnRejected = rejected =>
                {
                    rejected.HttpContext.Response.Headers["X-Quota-Policies"] = string.Join(",", rejected.Policies);
                    rejected.ProblemDetails!.Detail = $"Upgrade your plan; {rejected.Violations[0].Meter} resets at {rejected.Violations[0].ResetAt}.";
                    return ValueTask.CompletedTask;
                }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));
        var refused = await host.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("hello", refused.Header("X-Quota-Policies"));
        Assert.Equal("Upgrade your plan; requests resets at 2026-02-01T00:00:00Z.", (await refused.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OnRejected_can_write_its_own_response()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota
                .AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 0; })
                .AddHttp(options => options.OnRejected = async rejected =>
                {
                    rejected.HttpContext.Response.StatusCode = 402;
                    await rejected.HttpContext.Response.WriteAsync("Payment required", rejected.HttpContext.RequestAborted);
                }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));
        var refused = await host.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        Assert.Equal("Payment required", await refused.Content.ReadAsStringAsync());
    }
}
