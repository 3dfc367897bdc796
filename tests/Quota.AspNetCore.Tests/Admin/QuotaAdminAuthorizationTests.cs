using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Admin;

/// <summary>Who may use the admin group: the app says so; until it does, nobody (401 anonymous, 403 signed in).</summary>
public sealed class QuotaAdminAuthorizationTests
{
    private static readonly string[] Paths = ["/quota-admin/", "/quota-admin/dashboard.js", "/quota-admin/api/policies", "/quota-admin/api/usage?policy=hello", "/quota-admin/api/subject?policy=hello&key=alice", "/quota-admin/api/alerts?policy=hello", "/quota-admin/api/export?policy=hello"];

    [Fact]
    public async Task Without_the_apps_authorization_every_endpoint_refuses_everyone_and_a_warning_says_what_to_write()
    {
        await using var host = await AdminHost.StartAsync(protect: _ => { });
        foreach (var path in Paths)
        {
            using var anonymous = await host.GetAsync(path, user: null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var signedIn = await host.GetAsync(path, user: AdminHost.Operator);
            Assert.Equal(HttpStatusCode.Forbidden, signedIn.StatusCode);
        }

        using var reset = await host.PostAsync("/quota-admin/api/reset", """{"policy":"hello","key":"alice"}""");
        Assert.Equal(HttpStatusCode.Forbidden, reset.StatusCode);

        var warning = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5103);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("app.MapQuotaAdmin(\"/quota-admin\").RequireAuthorization(\"your-admin-policy\")", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_apps_policy_anonymous_callers_get_401_other_users_403_and_the_admin_200()
    {
        await using var host = await AdminHost.StartAsync();
        foreach (var path in Paths)
        {
            using var anonymous = await host.GetAsync(path, user: null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var customer = await host.GetAsync(path, user: "alice");
            Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
            using var admin = await host.GetAsync(path, user: AdminHost.Operator);
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        }

        using var forbidden = await host.PostAsync("/quota-admin/api/reset", """{"policy":"hello","key":"alice"}""", user: "alice");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var unauthenticated = await host.PostAsync("/quota-admin/api/reset", """{"policy":"hello","key":"alice"}""", user: null);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 5103);
    }

    [Fact]
    public async Task Authorization_on_a_group_around_the_admin_group_counts_as_the_apps()
    {
        await using var host = await QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 10; }),
            endpoints =>
            {
                var operations = endpoints.MapGroup("/ops").RequireAuthorization(p => p.RequireClaim(ClaimTypes.NameIdentifier, "operator"));
                operations.MapQuotaAdmin("/quota");
            },
            authorization: true);

        using var admin = await host.GetAsync("/ops/quota/api/policies", user: "operator");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        using var customer = await host.GetAsync("/ops/quota/api/policies", user: "alice");
        Assert.Equal(HttpStatusCode.Forbidden, customer.StatusCode);
        Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 5103);
    }

    [Fact]
    public async Task AllowAnonymous_opens_the_group_deliberately()
    {
        await using var host = await AdminHost.StartAsync(protect: group => group.AllowAnonymous());
        using var anonymous = await host.GetAsync("/quota-admin/api/policies", user: null);
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
    }

    [Fact]
    public async Task Mapping_the_admin_group_without_AddQuota_says_what_to_call()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => QuotaTestHost.StartAsync(null, endpoints => endpoints.MapQuotaAdmin()));
        Assert.Contains("builder.Services.AddQuota(", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("quota-admin")]
    [InlineData("/")]
    [InlineData("")]
    public async Task A_prefix_that_is_not_a_path_below_the_root_is_refused(string prefix)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; }),
            endpoints => endpoints.MapQuotaAdmin(prefix)));
        Assert.Contains("\"/quota-admin\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_requests_are_not_counted_by_the_global_policy()
    {
        await using var host = await AdminHost.StartAsync(quota => quota
            .AddPolicy("site", p => { p.Period = "daily"; p.Allowances["requests"] = 1; })
            .AddHttp(o => o.GlobalPolicy = "site"));
        for (var i = 0; i < 3; i++)
        {
            using var response = await host.GetAsync("/quota-admin/api/policies", user: AdminHost.Operator);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Header("RateLimit"));
        }

        var usage = await host.Quota.GetUsageAsync("site", AdminHost.Operator);
        Assert.Empty(usage.Meters);
    }
}
