using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Quota.Benchmarks.AspNetCore;

/// <summary>
/// The three pipelines of <see cref="QuotaMiddlewareBenchmarks"/> without the TestServer around them: a fresh
/// <see cref="DefaultHttpContext"/> per request (user set, endpoint matched), the limiter, an endpoint that sets its
/// status and content type, then the response start (which runs any OnStarting callback a limiter registered; Quota
/// writes its RateLimit headers before the endpoint). What remains above the baseline is the limiter's own cost,
/// measurable on a busy machine.
/// </summary>
[MemoryDiagnoser]
public class QuotaPipelineBenchmarks
{
    private readonly Dictionary<LimiterVariant, (RequestDelegate Pipeline, IServiceProvider Services, Endpoint Endpoint)> _pipelines = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        foreach (var variant in Enum.GetValues<LimiterVariant>())
        {
            var services = new ServiceCollection().AddLogging().AddMetrics().AddOptions();
            LimiterVariants.AddServices(variant, services);
            var provider = services.BuildServiceProvider();
            var app = new ApplicationBuilder(provider);
            LimiterVariants.UseLimiter(variant, app);
            app.Run(static context =>
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "text/plain";
                return Task.CompletedTask;
            });
            var endpoint = new Endpoint(static _ => Task.CompletedTask, new EndpointMetadataCollection(LimiterVariants.Metadata(variant)), "GET /hello");
            _pipelines[variant] = (app.Build(), provider, endpoint);

            var status = await SendAsync(variant);
            if (status != StatusCodes.Status200OK)
            {
                throw new InvalidOperationException($"{variant}: the benchmark pipeline answered {status}.");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "pipeline: no limiter")]
    public Task<int> NoLimiter() => SendAsync(LimiterVariant.None);

    [Benchmark(Description = "pipeline: UseRateLimiter, fixed window per user")]
    public Task<int> BuiltInRateLimiter() => SendAsync(LimiterVariant.RateLimiter);

    [Benchmark(Description = "pipeline: UseQuota, monthly per user")]
    public Task<int> Quota() => SendAsync(LimiterVariant.Quota);

    private async Task<int> SendAsync(LimiterVariant variant)
    {
        var (pipeline, services, endpoint) = _pipelines[variant];
        var features = new FeatureCollection(16);
        var response = new StartingResponseFeature();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Method = HttpMethods.Get, Path = "/hello" });
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        var context = new DefaultHttpContext(features) { RequestServices = services, User = LimiterVariants.User };
        context.SetEndpoint(endpoint);
        await pipeline(context);
        await response.StartAsync();
        return context.Response.StatusCode;
    }
}
