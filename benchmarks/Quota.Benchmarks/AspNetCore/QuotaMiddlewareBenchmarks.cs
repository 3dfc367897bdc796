using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
/// A TestServer request costs several microseconds, so on a busy machine its noise can hide the limiters' few hundred
/// nanoseconds; <see cref="QuotaPipelineBenchmarks"/> measures the same three pipelines without the server around them.
/// </remarks>
[MemoryDiagnoser]
public class QuotaMiddlewareBenchmarks
{
    private readonly Dictionary<LimiterVariant, IHost> _hosts = [];
    private readonly Dictionary<LimiterVariant, TestServer> _servers = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        foreach (var variant in Enum.GetValues<LimiterVariant>())
        {
            var host = await StartAsync(variant);
            _hosts[variant] = host;
            _servers[variant] = host.GetTestServer();

            // Every variant must answer 200 before it is measured.
            var context = await SendAsync(_servers[variant]);
            if (context.Response.StatusCode != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"{variant}: the benchmark endpoint answered {context.Response.StatusCode}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var host in _hosts.Values)
        {
            host.StopAsync().GetAwaiter().GetResult();
            host.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "TestServer: no limiter")]
    public Task<HttpContext> NoLimiter() => SendAsync(_servers[LimiterVariant.None]);

    [Benchmark(Description = "TestServer: UseRateLimiter, fixed window per user")]
    public Task<HttpContext> BuiltInRateLimiter() => SendAsync(_servers[LimiterVariant.RateLimiter]);

    [Benchmark(Description = "TestServer: UseQuota, monthly per user")]
    public Task<HttpContext> Quota() => SendAsync(_servers[LimiterVariant.Quota]);

    private static Task<HttpContext> SendAsync(TestServer server)
        => server.SendAsync(static context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/hello";
        });

    private static async Task<IHost> StartAsync(LimiterVariant variant)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHost(web => web
                .UseTestServer()
                .ConfigureServices(services =>
                {
                    services.AddRouting();
                    LimiterVariants.AddServices(variant, services);
                })
                .Configure(app =>
                {
                    app.UseRouting();
                    app.Use((context, next) =>
                    {
                        context.User = LimiterVariants.User;
                        return next(context);
                    });
                    LimiterVariants.UseLimiter(variant, app);
                    app.UseEndpoints(endpoints => endpoints.MapGet("/hello", () => "hello").WithMetadata(LimiterVariants.Metadata(variant)));
                }))
            .Build();
        await host.StartAsync();
        return host;
    }
}
