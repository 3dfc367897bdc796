using NodaTime.Testing;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Middleware;

public sealed class QuotaMiddlewareCountingTests
{
    private static Task<QuotaTestHost> HostAsync(long allowance, Action<QuotaHttpPolicyOptions>? http = null, FakeClock? clock = null)
        => QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = allowance;
                http?.Invoke(p.Http());
            }),
            endpoints =>
            {
                endpoints.MapGet("/hello", () => "hello").RequireQuota("hello");
                endpoints.MapGet("/missing", () => Results.NotFound()).RequireQuota("hello");
                endpoints.MapGet("/broken", () => Results.StatusCode(500)).RequireQuota("hello");
                endpoints.MapGet("/throws", string () => throw new InvalidOperationException(ExceptionHandlerStandIn.Message)).RequireQuota("hello");
                endpoints.MapGet("/not-modified", () => Results.StatusCode(304)).RequireQuota("hello");
            },
            clock,
            outer: ExceptionHandlerStandIn.Use);

    [Fact]
    public async Task Allows_the_allowance_then_refuses_with_429()
    {
        await using var host = await HostAsync(3);
        for (var i = 0; i < 3; i++)
        {
            var ok = await host.GetAsync("/hello");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var refused = await host.GetAsync("/hello");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(3, (await host.Quota.GetUsageAsync("hello", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_against_an_allowance_of_ten_let_exactly_ten_through()
    {
        await using var host = await HostAsync(10);
        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => host.GetAsync("/hello"))));

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(40, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, (await host.Quota.GetUsageAsync("hello", "alice")).Meters["requests"]);
    }

    [Theory]
    [InlineData("/missing", HttpStatusCode.NotFound)]
    [InlineData("/broken", HttpStatusCode.InternalServerError)]
    [InlineData("/not-modified", HttpStatusCode.NotModified)]
    public async Task Statuses_outside_the_default_range_give_the_request_back(string path, HttpStatusCode expected)
    {
        await using var host = await HostAsync(2);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(expected, (await host.GetAsync(path)).StatusCode);
        }

        Assert.Equal(0, (await host.Quota.GetUsageAsync("hello", "alice")).Meters.GetValueOrDefault("requests"));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/hello")).StatusCode);
    }

    [Fact]
    public async Task An_exception_is_a_500_not_counted_by_default_and_is_rethrown()
    {
        await using var host = await HostAsync(2);
        var response = await host.GetAsync("/throws");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("yes", response.Header("X-Rethrown"));
        Assert.Equal(0, (await host.Quota.GetUsageAsync("hello", "alice")).Meters.GetValueOrDefault("requests"));
    }

    [Fact]
    public async Task An_exception_is_counted_when_500_is_in_the_ranges()
    {
        await using var host = await HostAsync(5, http => http.QuotaOnStatusCodes = "200-299, 500");
        await host.GetAsync("/throws");
        await host.GetAsync("/missing");

        Assert.Equal(1, (await host.Quota.GetUsageAsync("hello", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task A_304_is_counted_with_200_299_304()
    {
        await using var host = await HostAsync(5, http => http.QuotaOnStatusCodes = "200-299, 304");
        Assert.Equal(HttpStatusCode.NotModified, (await host.GetAsync("/not-modified")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetAsync("/missing")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/hello")).StatusCode);

        Assert.Equal(2, (await host.Quota.GetUsageAsync("hello", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task Each_user_has_an_own_allowance()
    {
        await using var host = await HostAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/hello", "alice")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/hello", "bob")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.GetAsync("/hello", "alice")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.GetAsync("/hello", "bob")).StatusCode);
    }
}
