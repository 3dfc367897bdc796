using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Middleware;

/// <summary>Who is counted: the authenticated user, or the application's SubjectFromRequest; never an anonymous bucket.</summary>
public sealed class QuotaMiddlewareCallerTests
{
    [Fact]
    public async Task Anonymous_callers_get_401_through_the_apps_challenge_and_nothing_is_counted()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 10; }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));
        var response = await host.GetAsync("/hello", user: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(TestAuthHandler.SchemeName, response.Header("WWW-Authenticate"));
        Assert.Equal("quota-unauthenticated", (await response.JsonAsync()).GetProperty("type").GetString());
        Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5005);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_when_the_app_has_no_authentication_at_all()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 10; }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"),
            authentication: false);
        var response = await host.GetAsync("/hello", user: "alice");

        // The X-Test-User header is just a header here: with no authentication it identifies nobody.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(401, (await response.JsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public void The_user_id_comes_from_name_identifier_then_sub_then_the_identity_name()
    {
        static System.Security.Claims.ClaimsPrincipal User(params (string Type, string Value)[] claims)
            => new(new System.Security.Claims.ClaimsIdentity(claims.Select(c => new System.Security.Claims.Claim(c.Type, c.Value)), "test"));

        Assert.Equal("id-1", QuotaSubjects.UserKey(User((System.Security.Claims.ClaimTypes.Name, "ann"), ("sub", "sub-1"), (System.Security.Claims.ClaimTypes.NameIdentifier, "id-1"))));
        Assert.Equal("sub-1", QuotaSubjects.UserKey(User((System.Security.Claims.ClaimTypes.Name, "ann"), ("sub", "sub-1"))));
        Assert.Equal("ann", QuotaSubjects.UserKey(User((System.Security.Claims.ClaimTypes.Name, "ann"))));
        Assert.Null(QuotaSubjects.UserKey(User()));
        Assert.Null(QuotaSubjects.UserKey(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", "x")]))));
    }

    [Fact]
    public async Task SubjectFromRequest_names_the_key_and_the_allowances_and_null_is_401()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("org", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 100;
                p.Http().QuotaBy = QuotaBy.Function;
                p.Http().SubjectFromRequest = context => ValueTask.FromResult(context.Request.Headers["X-Org"].ToString() switch
                {
                    "" => null,
                    "small" => new QuotaSubject("org-small", new Dictionary<string, long> { ["requests"] = 1 }),
                    var org => (QuotaSubject?)new QuotaSubject("org-" + org),
                });
            }),
            endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("org"));

        async Task<HttpResponseMessage> Send(string? org)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            if (org is not null)
            {
                request.Headers.Add("X-Org", org);
            }

            return await host.Client.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.OK, (await Send("small")).StatusCode);
        var refused = await Send("small");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("\"org\";q=1;w=2678400", refused.Header("RateLimit-Policy"));
        Assert.Equal(HttpStatusCode.OK, (await Send("big")).StatusCode);
        Assert.Equal("\"org\";q=100;w=2678400", (await Send("big")).Header("RateLimit-Policy"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(null)).StatusCode);
        Assert.Equal(2, (await host.Quota.GetUsageAsync("org", "org-big")).Meters["requests"]);
    }

    [Fact]
    public async Task An_anchor_from_SubjectFromRequest_sets_where_the_callers_cycles_count_from()
    {
        var subscribed = Instant.FromUtc(2025, 12, 15, 9, 30);
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("plan", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 5;
                p.Http().QuotaBy = QuotaBy.Function;
                p.Http().SubjectFromRequest = context => ValueTask.FromResult<QuotaSubject?>(new QuotaSubject(QuotaSubjects.UserKey(context.User)!, anchor: subscribed));
            }),
            endpoints => endpoints.MapGet("/plan", (HttpContext context) =>
            {
                var usage = context.GetQuotaUsage("plan")!;
                return $"{usage.AnchorDate} {usage.NextResetDate} {usage.Meters["requests"]}";
            }).RequireQuota("plan"));
        var response = await host.GetAsync("/plan");

        // 2026-01-01T00:00Z to 2026-01-15T09:30Z: 14 days 9.5 hours.
        Assert.Equal("2025-12-15T09:30:00Z 2026-01-15T09:30:00Z 1", await response.Content.ReadAsStringAsync());
        Assert.Equal("\"plan\";r=4;t=1243800", response.Header("RateLimit"));
    }

    [Fact]
    public async Task The_policys_AnchorProvider_sets_the_anchor_of_callers_counted_by_user()
    {
        var subscribed = Instant.FromUtc(2025, 12, 15, 9, 30);
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("plan", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 5;
                p.AnchorMode = QuotaAnchorMode.Function;
                p.AnchorProvider = (key, _) => ValueTask.FromResult(key == "alice" ? subscribed : Instant.FromUtc(2025, 1, 1, 0, 0));
            }),
            endpoints => endpoints.MapGet("/plan", () => "plan").RequireQuota("plan"));

        Assert.Equal("\"plan\";r=4;t=1243800", (await host.GetAsync("/plan")).Header("RateLimit"));
    }
}
