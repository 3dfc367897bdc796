using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Quota.AspNetCore.Tests.Support;
using static Quota.AspNetCore.Tests.Support.AdminHost;

namespace Quota.AspNetCore.Tests.Admin;

/// <summary>
/// The dashboard is three embedded files served with a strict Content-Security-Policy. What it renders is checked in a
/// real browser by the web sample's tests (tests/Quota.Samples.WebApi.Tests).
/// </summary>
public sealed partial class QuotaAdminDashboardTests
{
    [Fact]
    public async Task The_page_script_and_style_are_served_from_the_assembly_with_a_strict_content_security_policy()
    {
        await using var host = await AdminHost.StartAsync();
        foreach (var (path, type) in new[] { ("/quota-admin/", "text/html"), ("/quota-admin/dashboard.js", "text/javascript"), ("/quota-admin/dashboard.css", "text/css") })
        {
            using var response = await host.GetAsync(path, Operator);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'", response.Header("Content-Security-Policy"));
            Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
            Assert.Equal("DENY", response.Header("X-Frame-Options"));
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 500);
        }
    }

    [Fact]
    public async Task The_group_root_without_its_slash_redirects_to_it_under_the_apps_path_base()
    {
        await using var host = await AdminHost.StartAsync(outer: app => app.UsePathBase("/base"));
        using var response = await host.GetAsync("/base/quota-admin?x=1", Operator);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/base/quota-admin/?x=1", response.Headers.Location!.OriginalString);

        await host.TrafficAsync("alice", 1);
        await host.Quota.TryConsumeAsync("hello", "bob");
        using var page = await host.GetAsync("/base/quota-admin/api/usage?policy=hello&pageSize=1", Operator);
        Assert.StartsWith("/base/quota-admin/api/usage?policy=hello&", (await page.JsonAsync()).GetProperty("next").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_has_no_inline_script_and_the_script_never_writes_markup()
    {
        await using var host = await AdminHost.StartAsync();
        var page = await (await host.GetAsync("/quota-admin/", Operator)).Content.ReadAsStringAsync();
        var script = await (await host.GetAsync("/quota-admin/dashboard.js", Operator)).Content.ReadAsStringAsync();

        Assert.Equal(["<script src=\"dashboard.js\" defer></script>"], ScriptTags().Matches(page).Select(m => m.Value));
        Assert.DoesNotMatch(EventAttribute(), page);

        // Data reaches the page through textContent and attribute values only.
        Assert.DoesNotMatch(MarkupSinks(), script);
        Assert.Contains("textContent", script, StringComparison.Ordinal);
        Assert.Contains("new URLSearchParams(", script, StringComparison.Ordinal);
    }

    [GeneratedRegex("<script[^>]*>.*?</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptTags();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventAttribute();

    [GeneratedRegex(@"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|setAttribute\(\s*'on|\.src\s*=|javascript:")]
    private static partial Regex MarkupSinks();
}
