using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Builder;

/// <summary>RequireQuota, [Quota], DisableQuota and the global policy.</summary>
public sealed class QuotaEndpointConventionBuilderExtensionsTests
{
    private static Task<QuotaTestHost> HostAsync(string? global = null) => QuotaTestHost.StartAsync(
        quota => quota
            .AddPolicy("site", p => { p.Period = "monthly"; p.Allowances["requests"] = 100; })
            .AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; })
            .AddHttp(options => options.GlobalPolicy = global),
        endpoints =>
        {
            endpoints.MapGet("/plain", () => "plain");
            endpoints.MapGet("/attributed", [Quota("hello")] () => "attributed");
            endpoints.MapGet("/disabled", () => "disabled").RequireQuota("hello").DisableQuota();
            endpoints.MapGet("/twice", () => "twice").RequireQuota("hello", "HELLO");
            var group = endpoints.MapGroup("/group").RequireQuota("hello");
            group.MapGet("/a", () => "a");
            group.MapGet("/b", () => "b").DisableQuota();
        });

    [Fact]
    public async Task The_attribute_counts_like_RequireQuota()
    {
        await using var host = await HostAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/attributed")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.GetAsync("/attributed")).StatusCode);
    }

    [Fact]
    public async Task A_policy_named_twice_counts_once()
    {
        await using var host = await HostAsync();
        var response = await host.GetAsync("/twice");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"hello\";r=0;t=2678400", response.Header("RateLimit"));
    }

    [Fact]
    public async Task Groups_pass_their_policies_on_and_DisableQuota_wins()
    {
        await using var host = await HostAsync(global: "site");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/group/a")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.GetAsync("/group/a")).StatusCode);
        for (var i = 0; i < 3; i++)
        {
            var free = await host.GetAsync("/group/b");
            Assert.Equal(HttpStatusCode.OK, free.StatusCode);
            Assert.Null(free.Header("RateLimit"));
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/disabled")).StatusCode);
        }
    }

    [Fact]
    public async Task The_global_policy_covers_every_endpoint_and_comes_first()
    {
        await using var host = await HostAsync(global: "site");
        var plain = await host.GetAsync("/plain");
        Assert.Equal("\"site\";r=99;t=2678400", plain.Header("RateLimit"));
        var attributed = await host.GetAsync("/attributed");
        Assert.Equal("\"site\";r=98;t=2678400, \"hello\";r=0;t=2678400", attributed.Header("RateLimit"));

        // A request no endpoint matches is covered too, and its 404 is given back.
        var unmatched = await host.GetAsync("/nowhere");
        Assert.Equal(HttpStatusCode.NotFound, unmatched.StatusCode);
        Assert.Equal("\"site\";r=98;t=2678400", unmatched.Header("RateLimit"));
        Assert.Equal(2, (await host.Quota.GetUsageAsync("site", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task Without_a_global_policy_unmarked_endpoints_are_not_counted()
    {
        await using var host = await HostAsync();
        var plain = await host.GetAsync("/plain");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Null(plain.Header("RateLimit"));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/plain", user: null)).StatusCode);
    }

    [Fact]
    public async Task Endpoints_naming_unknown_policies_stop_start_up_with_a_message_naming_each()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; }),
            endpoints =>
            {
                endpoints.MapGet("/fine", () => "fine").RequireQuota("hello");
                endpoints.MapGet("/typo", () => "typo").RequireQuota("helo");
                endpoints.MapGet("/other", [Quota("hallo")] () => "other");
            }));

        Assert.Contains("requires quota policy 'helo'", error.Message, StringComparison.Ordinal);
        Assert.Contains("/typo", error.Message, StringComparison.Ordinal);
        Assert.Contains("requires quota policy 'hallo'", error.Message, StringComparison.Ordinal);
        Assert.Contains("/other", error.Message, StringComparison.Ordinal);
        Assert.Contains("(configured: 'hello')", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/fine", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireQuota_refuses_no_policy_and_blank_names()
    {
        var builder = new TestConventionBuilder();
        Assert.Throws<ArgumentException>(() => builder.RequireQuota());
        Assert.Throws<ArgumentException>(() => builder.RequireQuota("ok", " "));
    }

    private sealed class TestConventionBuilder : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
        }
    }
}
