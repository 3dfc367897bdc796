using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Http;

/// <summary>SetQuotaMeters (Zuplo's setMeters), GetQuotaUsage (getUsage) and GetQuotaUsageAsync.</summary>
public sealed class QuotaHttpContextExtensionsTests
{
    private static Task<QuotaTestHost> HostAsync() => QuotaTestHost.StartAsync(
        quota => quota
            .AddPolicy("daily", p => { p.Period = "daily"; p.Allowances["requests"] = 100; })
            .AddPolicy("tokens", p => { p.Period = "monthly"; p.Allowances["tokens"] = 1000; }),
        endpoints =>
        {
            endpoints.MapPost("/completions", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var prompt = await reader.ReadToEndAsync();
                context.SetQuotaMeters(new Dictionary<string, long> { ["tokens"] = prompt.Length });
                context.SetQuotaMeters("tokens", 100);
                var usage = context.GetQuotaUsage("tokens")!;
                return Results.Ok(new
                {
                    anchor = usage.AnchorDate.ToString(),
                    reset = usage.NextResetDate.ToString(),
                    meters = usage.Meters,
                    limits = usage.Limits,
                    remaining = usage.Remaining,
                });
            }).RequireQuota("daily", "tokens");
            endpoints.MapPost("/rejected", (HttpContext context) =>
            {
                context.SetQuotaMeters("tokens", 500);
                return Results.BadRequest();
            }).RequireQuota("daily", "tokens");
            endpoints.MapGet("/usage", async (HttpContext context) =>
            {
                var tokens = await context.GetQuotaUsageAsync("tokens");
                var daily = await context.GetQuotaUsageAsync("daily");
                return Results.Ok(new { tokens = tokens!.Meters.GetValueOrDefault("tokens"), requests = daily!.Meters.GetValueOrDefault("requests"), inline = context.GetQuotaUsage("tokens") is null });
            });
            endpoints.MapGet("/free", (HttpContext context) =>
            {
                context.SetQuotaMeters("tokens", 10);
                return "free";
            });
        });

    [Fact]
    public async Task Meters_set_by_the_endpoint_are_recorded_and_the_next_request_is_refused_once_they_are_used_up()
    {
        await using var host = await HostAsync();
        var first = await host.SendAsync(HttpMethod.Post, "/completions", content: new StringContent(new string('x', 400)));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await first.JsonAsync();

        // GetQuotaUsage is the usage as the consume left it: the request is counted, the meters are recorded on the way out.
        Assert.Equal("2026-01-01T00:00:00Z", body.GetProperty("anchor").GetString());
        Assert.Equal("2026-02-01T00:00:00Z", body.GetProperty("reset").GetString());
        Assert.Equal("{\"requests\":1}", body.GetProperty("meters").GetRawText());
        Assert.Equal("{\"tokens\":1000}", body.GetProperty("limits").GetRawText());
        Assert.Equal("{\"tokens\":1000}", body.GetProperty("remaining").GetRawText());
        Assert.Equal(500, (await host.Quota.GetUsageAsync("tokens", "alice")).Meters["tokens"]);

        // 500 + 600 overshoots the allowance by this one request's amount; the next request is refused on tokens.
        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(HttpMethod.Post, "/completions", content: new StringContent(new string('x', 500)))).StatusCode);
        Assert.Equal(1100, (await host.Quota.GetUsageAsync("tokens", "alice")).Meters["tokens"]);
        var refused = await host.SendAsync(HttpMethod.Post, "/completions", content: new StringContent("x"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var violation = Assert.Single((await refused.JsonAsync()).GetProperty("policies").EnumerateArray());
        Assert.Equal("tokens", violation.GetProperty("meter").GetString());
        Assert.Equal(1000, violation.GetProperty("limit").GetInt64());
        Assert.Equal(2, (await host.Quota.GetUsageAsync("daily", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task Meters_are_not_recorded_when_the_status_does_not_count()
    {
        await using var host = await HostAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await host.SendAsync(HttpMethod.Post, "/rejected")).StatusCode);

        // Nothing was counted: no meter is reported as used, and the limited one keeps its whole allowance.
        var usage = await host.Quota.GetUsageAsync("tokens", "alice");
        Assert.Empty(usage.Meters);
        Assert.Equal(1000, usage.Remaining["tokens"]);
    }

    [Fact]
    public async Task GetQuotaUsageAsync_reads_any_policy_for_the_caller_on_an_endpoint_it_does_not_cover()
    {
        await using var host = await HostAsync();
        await host.SendAsync(HttpMethod.Post, "/completions", content: new StringContent("abc"));
        var usage = await (await host.GetAsync("/usage")).JsonAsync();

        Assert.Equal(103, usage.GetProperty("tokens").GetInt64());
        Assert.Equal(1, usage.GetProperty("requests").GetInt64());
        Assert.True(usage.GetProperty("inline").GetBoolean());
        Assert.Equal(1, (await host.Quota.GetUsageAsync("daily", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task SetQuotaMeters_does_nothing_where_no_policy_covers_the_request()
    {
        await using var host = await HostAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/free")).StatusCode);
        Assert.False((await host.Quota.GetUsageAsync("tokens", "alice")).Meters.ContainsKey("tokens"));
    }

    [Fact]
    public void SetQuotaMeters_refuses_negative_amounts_and_unnamed_meters()
    {
        var context = new DefaultHttpContext();
        var feature = new QuotaFeature(context, []);
        context.Features.Set(feature);

        Assert.Throws<ArgumentOutOfRangeException>(() => context.SetQuotaMeters("tokens", -1));
        Assert.Throws<ArgumentException>(() => context.SetQuotaMeters("", 1));
        feature.Completed = true;
        var late = Assert.Throws<InvalidOperationException>(() => context.SetQuotaMeters("tokens", 1));
        Assert.Contains("before it returns", late.Message, StringComparison.Ordinal);
    }
}
