using NodaTime.Testing;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Quota.AspNetCore;

namespace Quota.AspNetCore.Tests.Support;

/// <summary>
/// An application with the admin API at <c>/quota-admin</c>, protected as the docs say (only the user <c>operator</c>), two
/// policies, and <c>GET /hello</c> (policy <c>hello</c>) to make traffic with.
/// </summary>
public static class AdminHost
{
    public const string Operator = "operator";

    public static Task<QuotaTestHost> StartAsync(
        Action<QuotaBuilder>? quota = null,
        Action<RouteGroupBuilder>? protect = null,
        Action<IServiceCollection>? services = null,
        FakeClock? clock = null,
        Action<IApplicationBuilder>? outer = null)
        => QuotaTestHost.StartAsync(
            builder =>
            {
                builder
                    .AddPolicy("hello", p =>
                    {
                        p.Period = "monthly";
                        p.Allowances["requests"] = 10;
                        p.Thresholds["requests"] = [80, 100];
                    })
                    .AddPolicy("tokens", p =>
                    {
                        p.Period = "daily";
                        p.Allowances["tokens"] = 1000;
                    });
                quota?.Invoke(builder);
            },
            endpoints =>
            {
                endpoints.MapGet("/hello", () => "hi").RequireQuota("hello");
                var group = endpoints.MapQuotaAdmin("/quota-admin");
                (protect ?? (g => g.RequireAuthorization(p => p.RequireClaim(ClaimTypes.NameIdentifier, Operator))))(group);
            },
            clock: clock,
            services: services,
            outer: outer,
            authorization: true);

    /// <summary>Sends a JSON body as the dashboard does: the admin header, JSON content, and the user named.</summary>
    public static async Task<HttpResponseMessage> PostAsync(
        this QuotaTestHost host,
        string path,
        string json,
        string? user = Operator,
        bool header = true,
        string? site = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (user is not null)
        {
            request.Headers.Add(TestAuthHandler.Header, user);
        }

        if (header)
        {
            request.Headers.Add(QuotaAdmin.RequestHeader, "1");
        }

        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }

        return await host.Client.SendAsync(request);
    }

    /// <summary>Makes <paramref name="count"/> counted requests as <paramref name="user"/> through the middleware.</summary>
    public static async Task TrafficAsync(this QuotaTestHost host, string user, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await host.GetAsync("/hello", user);
            Assert.Equal(200, (int)response.StatusCode);
        }
    }

    /// <summary>The query string of one parameter, encoded as a browser's URLSearchParams would.</summary>
    public static string Q(string name, string value) => $"{name}={Uri.EscapeDataString(value)}";
}
