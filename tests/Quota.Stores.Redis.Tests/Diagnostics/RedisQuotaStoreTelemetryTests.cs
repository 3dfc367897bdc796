using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Quota.Tests.Health;
using Quota.Tests.Infrastructure;
using Quota.Tests.Support;

namespace Quota.Tests.Diagnostics;

/// <summary>
/// The Redis store's calls as spans of the <c>Quota</c> activity source: client spans naming <c>redis</c>, and, once the
/// server is gone, error spans whose <c>error.type</c> is the decision's failure. Runs with the health tests, which also
/// kill their own servers, away from the batch tests' timing.
/// </summary>
[Collection(RedisHealthCollection.Name)]
public sealed class RedisQuotaStoreTelemetryTests : IDisposable
{
    private readonly SpanRecorder _spans = new();

    public void Dispose() => _spans.Dispose();

    [Fact]
    public async Task Store_calls_are_redis_client_spans_and_a_lost_server_makes_them_error_spans()
    {
        using var server = await RedisServer.StartAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddQuota()
            .AddPolicy("otel-redis", p =>
            {
                p.Period = "monthly";
                p.Allowances["requests"] = 10;
                p.FailureMode = QuotaFailureMode.FailOpen;
                p.StoreTimeout = TimeSpan.FromSeconds(1);
            })
            .UseRedisStore(server.EndPoint);
        await using var provider = services.BuildServiceProvider();
        var quota = provider.GetRequiredService<IQuotaService>();

        Assert.True((await quota.TryConsumeAsync("otel-redis", "alice")).IsAllowed);
        var answered = Spans();
        Assert.Contains("TryAdd otel-redis", answered.Select(s => s.DisplayName));
        Assert.All(answered, s =>
        {
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal("redis", s.GetTagItem("db.system.name"));
            Assert.Equal(ActivityStatusCode.Unset, s.Status);
        });

        server.Kill();
        var failed = await quota.TryConsumeAsync("otel-redis", "alice");

        Assert.Equal(QuotaOutcome.FailedOpen, failed.Outcome);
        var span = Spans().Last();
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("redis", span.GetTagItem("db.system.name"));
        Assert.Equal(QuotaDiagnostics.ErrorType(failed.Failure!), span.GetTagItem("error.type"));
    }

    private List<Activity> Spans() => [.. _spans.Stopped.Where(a => (string?)a.GetTagItem("quota.policy") == "otel-redis")];
}
