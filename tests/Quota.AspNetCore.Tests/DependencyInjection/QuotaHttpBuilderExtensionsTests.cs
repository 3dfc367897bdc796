using NodaTime.Testing;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.DependencyInjection;

/// <summary>Policies from appsettings.json, in Zuplo's words: one section, read once, HTTP settings included once AddHttp() is added.</summary>
public sealed class QuotaHttpBuilderExtensionsTests
{
    private const string AppSettings = """
        {
          "Quota": {
            "GlobalPolicy": "site",
            "Policies": {
              "site": { "period": "daily", "allowances": { "requests": 1000 }, "quotaAnchorMode": "calendar" },
              "hello": {
                "period": "monthly",
                "allowances": { "requests": 2 },
                "quotaBy": "user",
                "quotaAnchorMode": "first-api-call",
                "quotaOnStatusCodes": "200-299, 304",
                "TimeZone": "Europe/Berlin",
                "Enforcement": "Enforce",
                "FailureMode": "FailOpen",
                "StoreTimeout": "00:00:02"
              }
            }
          }
        }
        """;

    private static async Task<IHost> StartAsync(string json, Action<QuotaBuilder>? more = null)
    {
        var host = new HostBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))))
            .ConfigureWebHost(web => web.UseTestServer()
                .ConfigureServices((context, services) =>
                {
                    services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
                    services.AddRouting();
                    services.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
                    var section = context.Configuration.GetSection("Quota");
                    var quota = services.AddQuota(section).AddHttp();
                    more?.Invoke(quota);
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.UseAuthentication();
                    app.UseQuota();
                    app.UseEndpoints(endpoints =>
                    {
                        endpoints.MapGet("/hello", () => "hello").RequireQuota("hello");
                        endpoints.MapGet("/cached", () => Results.StatusCode(304)).RequireQuota("hello");
                    });
                }))
            .Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<HttpResponseMessage> GetAsync(IHost host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(TestAuthHandler.Header, "alice");
        return await host.GetTestClient().SendAsync(request);
    }

    [Fact]
    public async Task Every_Zuplo_setting_is_read_from_one_section_and_reaches_the_policy()
    {
        using var host = await StartAsync(AppSettings);
        var quota = host.Services.GetRequiredService<IQuotaService>();
        var hello = quota.GetPolicy("hello");
        Assert.Equal(QuotaPeriod.Monthly, hello.Period);
        Assert.Equal(2, hello.Allowances["requests"]);
        Assert.Equal(QuotaAnchorMode.FirstUse, hello.AnchorMode);
        Assert.Equal("Europe/Berlin", hello.Zone.Id);
        Assert.Equal(QuotaFailureMode.FailOpen, hello.FailureMode);
        Assert.Equal(TimeSpan.FromSeconds(2), hello.StoreTimeout);
        Assert.Equal(QuotaAnchorMode.Calendar, quota.GetPolicy("site").AnchorMode);

        // "200-299, 304" from configuration: the 304 counts for hello; the global policy (default 200-299) covers the endpoints too.
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(host, "/cached")).StatusCode);
        var ok = await GetAsync(host, "/hello");
        Assert.Equal("\"site\";r=999;t=86400, \"hello\";r=0;t=2678400", ok.Header("RateLimit"));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(host, "/hello")).StatusCode);
    }

    [Fact]
    public async Task Code_joins_a_policy_from_configuration_on_the_same_options()
    {
        using var host = await StartAsync(AppSettings, quota => quota.AddPolicy("hello", p =>
        {
            p.Http().QuotaBy = QuotaBy.Function;
            p.Http().SubjectFromRequest = _ => ValueTask.FromResult<QuotaSubject?>(new QuotaSubject("team-1", new Dictionary<string, long> { ["requests"] = 1 }));
        }));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(host, "/hello")).StatusCode);
        Assert.Equal(1, (await host.Services.GetRequiredService<IQuotaService>().GetUsageAsync("hello", "team-1")).Meters["requests"]);
    }

    [Fact]
    public async Task A_list_of_status_codes_counts_a_304_as_Zuplo_documents()
    {
        using var host = await StartAsync(AppSettings.Replace("\"200-299, 304\"", "[200, \"201-299\", 304]", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(host, "/cached")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(host, "/hello")).StatusCode);
    }

    [Fact]
    public async Task A_malformed_range_in_configuration_stops_start_up_naming_its_path_and_value()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => StartAsync(AppSettings.Replace("200-299, 304", "200-299, 30x", StringComparison.Ordinal)));
        Assert.Equal(
            "Quota:Policies:hello:quotaOnStatusCodes is '200-299, 30x', in which '30x' is not a status code or range. Write single codes and ranges between 100 and 599, e.g. '200-299, 304'.",
            Assert.Single(error.Failures));
    }
}
