using System.Net;
using Microsoft.AspNetCore.Builder;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Middleware;

/// <summary>A store that throws, and one that never answers: the policy's StoreTimeout (200 ms here) ends the wait.</summary>
public sealed class QuotaMiddlewareStoreFailureTests
{
    private static Task<QuotaTestHost> HostAsync(FaultyStore store, QuotaFailureMode mode) => QuotaTestHost.StartAsync(
        quota => quota
            .AddPolicy("hello", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 10;
                p.FailureMode = mode;
                p.StoreTimeout = TimeSpan.FromMilliseconds(200);
            })
            .UseStore(_ => store),
        endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fail_open_lets_the_request_through_and_logs(bool hang)
    {
        var store = new FaultyStore(hang);
        await using var host = await HostAsync(store, QuotaFailureMode.FailOpen);
        var response = await host.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Header("RateLimit"));
        Assert.True(store.Calls > 0);
        var logged = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5003);
        Assert.IsType<QuotaStoreException>(logged.Exception);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fail_closed_answers_503_with_a_problem_body(bool hang)
    {
        var store = new FaultyStore(hang);
        await using var host = await HostAsync(store, QuotaFailureMode.FailClosed);
        var response = await host.GetAsync("/hello");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Null(response.Header("Retry-After"));
        var body = await response.JsonAsync();
        Assert.Equal("quota-store-unavailable", body.GetProperty("type").GetString());
        Assert.Equal(503, body.GetProperty("status").GetInt32());
        Assert.Equal("hello", Assert.Single(body.GetProperty("policies").EnumerateArray()).GetString());
        Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5004);
    }
}
