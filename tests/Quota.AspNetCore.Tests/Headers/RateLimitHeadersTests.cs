using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Headers;

/// <summary>RateLimit-Policy and RateLimit, byte for byte, under a fake clock at 2026-01-01T00:00Z (January: 2,678,400 s).</summary>
public sealed class RateLimitHeadersTests
{
    private static Task<QuotaTestHost> HostAsync() => QuotaTestHost.StartAsync(
        quota => quota
            .AddPolicy("monthly", p => { p.Period = "monthly"; p.Allowances["requests"] = 3; })
            .AddPolicy("daily", p => { p.Period = "daily"; p.AnchorMode = QuotaAnchorMode.Calendar; p.Allowances["requests"] = 100; })
            .AddPolicy("tokens", p => { p.Period = "monthly"; p.Allowances["tokens"] = 1000; })
            .AddPolicy("combo", p => { p.Period = "monthly"; p.Allowances["requests"] = 10; p.Allowances["tokens"] = 500; })
            .AddPolicy("shadow", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; p.Enforcement = QuotaEnforcement.Shadow; }),
        endpoints =>
        {
            endpoints.MapGet("/one", () => "ok").RequireQuota("monthly");
            endpoints.MapGet("/missing", () => Results.NotFound()).RequireQuota("monthly");
            endpoints.MapGet("/two", () => "ok").RequireQuota("daily", "monthly");
            endpoints.MapGet("/tokens", (HttpContext context) =>
            {
                context.SetQuotaMeters("tokens", 250);
                return "ok";
            }).RequireQuota("tokens");
            endpoints.MapGet("/combo", (HttpContext context) =>
            {
                context.SetQuotaMeters("tokens", 100);
                return "ok";
            }).RequireQuota("combo");
            endpoints.MapGet("/shadow", () => "ok").RequireQuota("shadow");
        });

    [Fact]
    public async Task One_policy_is_advertised_with_its_limit_window_remaining_and_reset()
    {
        await using var host = await HostAsync();
        var first = await host.GetAsync("/one");
        Assert.Equal("\"monthly\";q=3;w=2678400", first.Header("RateLimit-Policy"));
        Assert.Equal("\"monthly\";r=2;t=2678400", first.Header("RateLimit"));

        host.Clock.Advance(Duration.FromDays(10) + Duration.FromSeconds(12007) + Duration.FromMilliseconds(250));
        var second = await host.GetAsync("/one");
        Assert.Equal("\"monthly\";q=3;w=2678400", second.Header("RateLimit-Policy"));
        Assert.Equal("\"monthly\";r=1;t=1802393", second.Header("RateLimit"));
    }

    [Fact]
    public async Task Several_policies_are_comma_separated_in_endpoint_order()
    {
        await using var host = await HostAsync();
        var response = await host.GetAsync("/two");
        Assert.Equal("\"daily\";q=100;w=86400, \"monthly\";q=3;w=2678400", response.Header("RateLimit-Policy"));
        Assert.Equal("\"daily\";r=99;t=86400, \"monthly\";r=2;t=2678400", response.Header("RateLimit"));
    }

    [Fact]
    public async Task A_status_that_is_not_counted_is_not_taken_off_the_remaining_amount()
    {
        await using var host = await HostAsync();
        await host.GetAsync("/one");
        var missing = await host.GetAsync("/missing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("\"monthly\";r=2;t=2678400", missing.Header("RateLimit"));
    }

    [Fact]
    public async Task A_meter_other_than_requests_carries_its_unit_and_counts_what_the_endpoint_set()
    {
        await using var host = await HostAsync();
        var response = await host.GetAsync("/tokens");
        Assert.Equal("\"tokens\";q=1000;w=2678400;qu=\"tokens\"", response.Header("RateLimit-Policy"));
        Assert.Equal("\"tokens\";r=750;t=2678400", response.Header("RateLimit"));
    }

    [Fact]
    public async Task Further_limited_meters_are_named_policy_slash_meter()
    {
        await using var host = await HostAsync();
        var response = await host.GetAsync("/combo");
        Assert.Equal("\"combo\";q=10;w=2678400, \"combo/tokens\";q=500;w=2678400;qu=\"tokens\"", response.Header("RateLimit-Policy"));
        Assert.Equal("\"combo\";r=9;t=2678400, \"combo/tokens\";r=400;t=2678400", response.Header("RateLimit"));
    }

    [Fact]
    public async Task The_refusal_carries_the_headers_with_nothing_remaining()
    {
        await using var host = await HostAsync();
        for (var i = 0; i < 3; i++)
        {
            await host.GetAsync("/one");
        }

        var refused = await host.GetAsync("/one");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("\"monthly\";q=3;w=2678400", refused.Header("RateLimit-Policy"));
        Assert.Equal("\"monthly\";r=0;t=2678400", refused.Header("RateLimit"));
    }

    [Fact]
    public async Task A_shadow_policy_advertises_nothing()
    {
        await using var host = await HostAsync();
        var response = await host.GetAsync("/shadow");
        Assert.Null(response.Header("RateLimit-Policy"));
        Assert.Null(response.Header("RateLimit"));
    }

    [Theory]
    [InlineData("api", "\"api\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("caf\u00e9", null)]
    [InlineData("tab\there", null)]
    public void Policy_names_are_structured_field_strings(string name, string? expected)
        => Assert.Equal(expected, RateLimitHeaders.TryQuote(name));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(999_999_999, 1)]
    [InlineData(1_000_000_000, 1)]
    [InlineData(1_000_000_001, 2)]
    public void Seconds_are_rounded_up(long nanoseconds, long seconds)
        => Assert.Equal(seconds, RateLimitHeaders.CeilingSeconds(Duration.FromNanoseconds(nanoseconds)));
}
