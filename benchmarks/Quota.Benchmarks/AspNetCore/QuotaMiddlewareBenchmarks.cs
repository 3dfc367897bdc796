using System.Security.Claims;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Quota.Benchmarks.AspNetCore;

/// <summary>
/// One request through the same in-memory TestServer pipeline and endpoint (routing, a user already authenticated,
/// GET /hello returning a short string), three ways: no limiter (the baseline), ASP.NET Core's built-in
/// <c>UseRateLimiter</c> with a fixed window partitioned per user, and <c>UseQuota</c> with a monthly first-use policy
/// on the in-memory store. Each limiter's added cost is its mean minus the baseline's.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project benchmarks/Quota.Benchmarks -- --filter '*QuotaMiddlewareBenchmarks*' --job short</c>
/// </remarks>
[MemoryDiagnoser]
public class QuotaMiddlewareBenchmarks
{
    private static readonly ClaimsPrincipal User = new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "bench-user")], "bench"));

    private IHost _noLimiter = null!;
    private IHost _rateLimiter = null!;
    private IHost _quota = null!;
    private TestServer _noLimiterServer = null!;
    private TestServer _rateLimiterServer = null!;
    private TestServer _quotaServer = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _noLimiter = await StartAsync(
            services => { },
            app => { },
            endpoint => { });
        _rateLimiter = await StartAsync(
            services => services.AddRateLimiter(options => options.AddPolicy("per-user", context =>
                RateLimitPartition.GetFixedWindowLimiter(
                    context.User.FindFirst(ClaimTypes.NameIdentifier)!.Value,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = int.MaxValue, Window = TimeSpan.FromDays(30), QueueLimit = 0 }))),
            app => app.UseRateLimiter(),
            endpoint => endpoint.RequireRateLimiting("per-user"));
        _quota = await StartAsync(
            services => services.AddQuota().AddHttpPolicy("monthly", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 1_000_000_000_000;
            }),
            app => app.UseQuota(),
            endpoint => endpoint.RequireQuota("monthly"));
        _noLimiterServer = _noLimiter.GetTestServer();
        _rateLimiterServer = _rateLimiter.GetTestServer();
        _quotaServer = _quota.GetTestServer();

        // Every variant must answer 200 before it is measured.
        foreach (var server in new[] { _noLimiterServer, _rateLimiterServer, _quotaServer })
        {
            var context = await SendAsync(server);
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"The benchmark endpoint answered {context.Response.StatusCode}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var host in new[] { _noLimiter, _rateLimiter, _quota })
        {
            host.StopAsync().GetAwaiter().GetResult();
            host.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "no limiter")]
    public Task<HttpContext> NoLimiter() => SendAsync(_noLimiterServer);

    [Benchmark(Description = "UseRateLimiter, fixed window per user")]
    public Task<HttpContext> BuiltInRateLimiter() => SendAsync(_rateLimiterServer);

    [Benchmark(Description = "UseQuota, monthly per user")]
    public Task<HttpContext> Quota() => SendAsync(_quotaServer);

    private static Task<HttpContext> SendAsync(TestServer server)
        => server.SendAsync(static context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/hello";
        });

    private static async Task<IHost> StartAsync(Action<IServiceCollection> services, Action<IApplicationBuilder> limiter, Action<IEndpointConventionBuilder> endpoint)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(s =>
                {
                    s.AddRouting();
                    services(s);
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.Use((context, next) =>
                    {
                        context.User = User;
                        return next(context);
                    });
                    limiter(app);
                    app.UseEndpoints(endpoints => endpoint(endpoints.MapGet("/hello", () => "hello")));
                }))
            .Build();
        await host.StartAsync();
        return host;
    }
}
