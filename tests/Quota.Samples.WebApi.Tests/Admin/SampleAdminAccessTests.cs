using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Quota.Samples.WebApi.Tests.Support;

namespace Quota.Samples.WebApi.Tests.Admin;

/// <summary>
/// Who may use the sample's admin API and dashboard: the admin key (curl) or the sign-in cookie (a browser); anyone
/// else signed in gets 403, anonymous callers 401, and a browser is sent to the sign-in form.
/// </summary>
public sealed partial class SampleAdminAccessTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("quota-sample-access-");
    private readonly SampleFactory _factory;

    public SampleAdminAccessTests()
    {
        _factory = new SampleFactory(_folder.File("quota.db"));
    }

    private HttpClient Client() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("demo-key-alice", HttpStatusCode.Forbidden)]
    [InlineData("not-a-key", HttpStatusCode.Unauthorized)]
    [InlineData("demo-key-admin", HttpStatusCode.OK)]
    public async Task The_admin_api_answers_the_admin_key_only(string? key, HttpStatusCode expected)
    {
        using var client = Client();
        foreach (var path in new[] { "/quota-admin/api/policies", "/quota-admin/api/usage?policy=hello-monthly", "/quota-admin/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (key is not null)
            {
                request.Headers.Add("X-Api-Key", key);
            }

            using var response = await client.SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
            if (expected == HttpStatusCode.Unauthorized)
            {
                Assert.Equal("ApiKey header=\"X-Api-Key\"", response.Headers.WwwAuthenticate.ToString());
            }
        }
    }

    [Fact]
    public async Task A_customers_key_cannot_reset_or_grant()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/quota-admin/api/grants")
        {
            Content = new StringContent("""{"policy":"hello-monthly","key":"alice","meter":"requests","amount":1000,"reason":"me"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", "demo-key-alice");
        request.Headers.Add("X-Quota-Admin", "1");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_the_sign_in_form()
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/quota-admin/");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("http://localhost/sign-in?ReturnUrl=%2Fquota-admin%2F", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Signing_in_with_the_admin_key_sets_an_HttpOnly_SameSite_Strict_cookie_that_opens_the_dashboard()
    {
        using var client = Client();
        using var form = await client.GetAsync("/sign-in?ReturnUrl=%2Fquota-admin%2F");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains("<label for=\"key\">Admin API key</label>", html, StringComparison.Ordinal);

        using var signIn = await client.PostAsync("/sign-in?ReturnUrl=%2Fquota-admin%2F", Form(html, "demo-key-admin"));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/quota-admin/", signIn.Headers.Location!.ToString());
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("quota-admin=", StringComparison.Ordinal));
        Assert.Contains("; path=/", cookie, StringComparison.Ordinal);
        Assert.Contains("; samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("; httponly", cookie, StringComparison.Ordinal);

        using var dashboard = await client.GetAsync("/quota-admin/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal("text/html", dashboard.Content.Headers.ContentType!.MediaType);

        // With the cookie, a state change still needs the admin header: another site's form could carry the cookie otherwise.
        using var forged = await client.PostAsync("/quota-admin/api/reset", new StringContent("""{"policy":"hello-monthly","key":"alice"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var reset = new HttpRequestMessage(HttpMethod.Post, "/quota-admin/api/reset") { Content = new StringContent("""{"policy":"hello-monthly","key":"alice"}""", Encoding.UTF8, "application/json") };
        reset.Headers.Add("X-Quota-Admin", "1");
        using var done = await client.SendAsync(reset);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        // Signing out ends the session.
        var signedIn = await (await client.GetAsync("/sign-in")).Content.ReadAsStringAsync();
        Assert.Contains("Signed in as admin.", signedIn, StringComparison.Ordinal);
        using var signOut = await client.PostAsync("/sign-out", Form(signedIn, key: null));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var after = await client.GetAsync("/quota-admin/api/policies");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData("demo-key-alice")]
    [InlineData("wrong")]
    [InlineData("")]
    public async Task Only_an_admin_key_signs_in(string key)
    {
        using var client = Client();
        var html = await (await client.GetAsync("/sign-in")).Content.ReadAsStringAsync();
        using var response = await client.PostAsync("/sign-in", Form(html, key));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("<p id=\"error\" role=\"alert\">That is not an admin API key.</p>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("quota-admin=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sign_in_form_refuses_a_post_without_its_antiforgery_token()
    {
        using var client = Client();
        using var response = await client.PostAsync("/sign-in", new FormUrlEncodedContent([new("key", "demo-key-admin")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("quota-admin=", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("https://evil.example/")]
    public async Task After_signing_in_only_a_local_return_url_is_followed(string returnUrl)
    {
        using var client = Client();
        var query = "?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
        var html = await (await client.GetAsync("/sign-in" + query)).Content.ReadAsStringAsync();
        using var response = await client.PostAsync("/sign-in" + query, Form(html, "demo-key-admin"));
        Assert.Equal("/quota-admin/", response.Headers.Location!.ToString());
    }

    public void Dispose()
    {
        _factory.Dispose();
        _folder.Dispose();
    }

    /// <summary>The sign-in (or sign-out) form as a browser posts it: the key, and the antiforgery token from the page.</summary>
    private static FormUrlEncodedContent Form(string html, string? key)
    {
        var token = Token().Match(html);
        Assert.True(token.Success, "the form carries an antiforgery token");
        var fields = new List<KeyValuePair<string, string>> { new(token.Groups[1].Value, WebUtility.HtmlDecode(token.Groups[2].Value)) };
        if (key is not null)
        {
            fields.Add(new("key", key));
        }

        return new FormUrlEncodedContent(fields);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">")]
    private static partial Regex Token();
}
