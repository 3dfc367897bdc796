using System.Net;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Admin;

/// <summary>
/// State-changing requests cannot be forged by another site: they need the X-Quota-Admin header (which another site can
/// send only after a CORS preflight the app does not grant) and a JSON body (which a form cannot send), and the browser's
/// Sec-Fetch-Site must not say another site sent them. Nothing changes when a check refuses.
/// </summary>
public sealed class QuotaAdminCrossSiteTests
{
    private const string Reset = """{"policy":"hello","key":"alice"}""";
    private const string Grant = """{"policy":"hello","key":"alice","meter":"requests","amount":5,"reason":"forged"}""";

    [Theory]
    [InlineData("/quota-admin/api/reset", Reset)]
    [InlineData("/quota-admin/api/grants", Grant)]
    public async Task Without_the_admin_header_a_signed_in_admins_request_changes_nothing(string path, string json)
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 4);
        using var response = await host.PostAsync(path, json, header: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal(QuotaProblemTypes.AdminHeaderRequired, problem.GetProperty("type").GetString());
        Assert.Contains("-H \"X-Quota-Admin: 1\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(host);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 5104 && e.Message.Contains("no X-Quota-Admin header", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task A_request_the_browser_marks_as_from_another_site_is_refused_even_with_the_header(string site)
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 4);
        foreach (var (path, json) in new[] { ("/quota-admin/api/reset", Reset), ("/quota-admin/api/grants", Grant) })
        {
            using var response = await host.PostAsync(path, json, site: site);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(QuotaProblemTypes.AdminCrossSite, (await response.JsonAsync()).GetProperty("type").GetString());
        }

        await AssertUnchangedAsync(host);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("text/plain")]
    public async Task A_body_a_cross_site_form_could_send_is_refused_even_with_the_header(string contentType)
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 4);
        using var response = await host.PostAsync("/quota-admin/api/reset", Reset, contentType: contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertUnchangedAsync(host);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("same-origin")]
    [InlineData("none")]
    public async Task The_dashboards_own_requests_and_tools_without_fetch_metadata_are_served(string? site)
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 4);
        using var response = await host.PostAsync("/quota-admin/api/reset", Reset, site: site);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await host.Quota.GetUsageAsync("hello", "alice")).Meters);
    }

    [Fact]
    public async Task Reading_needs_no_header()
    {
        await using var host = await AdminHost.StartAsync();
        using var response = await host.GetAsync("/quota-admin/api/subject?policy=hello&key=alice", AdminHost.Operator);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertUnchangedAsync(QuotaTestHost host)
    {
        var usage = await host.Quota.GetUsageAsync("hello", "alice");
        Assert.Equal(4, usage.Meters["requests"]);
        Assert.Empty(usage.Grants);
    }
}
