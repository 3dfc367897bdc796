using NodaTime.Testing;
using Microsoft.Extensions.DependencyInjection;
using Quota.Stores.Redis;
using Quota.Tests.Infrastructure;

namespace Quota.Tests.Storage;

/// <summary>
/// Redis going away and coming back, through <see cref="IQuotaService"/>: each policy's failure mode applies within
/// its timeout, and counting resumes. Each test owns its server, since it kills it.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    /// <summary>How long a call may take before the test calls it a hang: the store timeout plus generous slack.</summary>
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(10);
    private readonly FakeClock _clock = FakeClock.FromUtc(2026, 1, 1);
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public Task DisposeAsync()
    {
        _server.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(QuotaFailureMode.FailOpen)]
    [InlineData(QuotaFailureMode.FailClosed)]
    public async Task A_killed_server_meets_the_failure_mode_and_counting_resumes_when_it_is_back(QuotaFailureMode mode)
    {
        using var provider = Provider(mode, _server.EndPoint);
        var quota = provider.GetRequiredService<IQuotaService>();
        await EventuallyAllowedAsync(quota, "warm-up");

        // Mid-stream: every acknowledged consume is counted while the server is up.
        var acknowledged = 0;
        for (var i = 0; i < 25; i++)
        {
            var decision = await quota.TryConsumeAsync("api", "alice");
            Assert.Equal(QuotaOutcome.Allowed, decision.Outcome);
            acknowledged++;
        }

        Assert.Equal(acknowledged, (await quota.GetUsageAsync("api", "alice")).Meters["requests"]);

        _server.Kill();
        for (var i = 0; i < 5; i++)
        {
            var decision = await quota.TryConsumeAsync("api", "alice").AsTask().WaitAsync(NoHang);
            Assert.Equal(mode == QuotaFailureMode.FailOpen ? QuotaOutcome.FailedOpen : QuotaOutcome.FailedClosed, decision.Outcome);
            Assert.Equal(mode == QuotaFailureMode.FailOpen, decision.IsAllowed);
            Assert.IsType<QuotaStoreException>(decision.Failure);
        }

        // Back (empty: the test server keeps nothing on disk): counting resumes from zero on its own.
        await _server.RestartAsync();
        await EventuallyAllowedAsync(quota, "warm-up");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(QuotaOutcome.Allowed, (await quota.TryConsumeAsync("api", "alice")).Outcome);
        }

        // Refused calls during the outage were never sent, so alice counts exactly the three since.
        Assert.Equal(3, (await quota.GetUsageAsync("api", "alice")).Meters["requests"]);
    }

    [Theory]
    [InlineData(QuotaFailureMode.FailOpen)]
    [InlineData(QuotaFailureMode.FailClosed)]
    public async Task Redis_down_at_start_up_neither_stops_the_app_nor_hangs_a_call(QuotaFailureMode mode)
    {
        _server.Kill();
        using var provider = Provider(mode, _server.EndPoint);
        var quota = provider.GetRequiredService<IQuotaService>();

        var decision = await quota.TryConsumeAsync("api", "bob").AsTask().WaitAsync(NoHang);

        Assert.Equal(mode == QuotaFailureMode.FailOpen ? QuotaOutcome.FailedOpen : QuotaOutcome.FailedClosed, decision.Outcome);
        await _server.RestartAsync();
        await EventuallyAllowedAsync(quota, "bob");
    }

    [Fact]
    public async Task A_stalled_server_costs_a_call_its_timeout_not_a_hang()
    {
        using var store = new RedisQuotaStore(new RedisQuotaStoreOptions { Configuration = _server.EndPoint }, _clock);
        using var provider = Provider(QuotaFailureMode.FailClosed, _server.EndPoint);
        var quota = provider.GetRequiredService<IQuotaService>();
        var counter = new QuotaCounterKey("api", "carol", _clock.GetCurrentInstant());
        await EventuallyAsync(async () => (await store.TryAddAsync(counter, new[] { new QuotaMeterDelta("requests", 1) }, _clock.GetCurrentInstant() + Duration.FromHours(1))).Applied);
        await EventuallyAllowedAsync(quota, "carol");

        await _server.PauseAsync();
        try
        {
            // Called directly, the store is bounded by its token, which IQuotaService cancels at the StoreTimeout.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var stalled = store.TryAddAsync(counter, new[] { new QuotaMeterDelta("requests", 1) }, _clock.GetCurrentInstant() + Duration.FromHours(1), deadline.Token).AsTask();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stalled.WaitAsync(NoHang));
            Assert.Equal(QuotaOutcome.FailedClosed, (await quota.TryConsumeAsync("api", "carol").AsTask().WaitAsync(NoHang)).Outcome);
        }
        finally
        {
            await _server.ResumeAsync();
        }

        await EventuallyAllowedAsync(quota, "carol");
    }

    private ServiceProvider Provider(QuotaFailureMode mode, string configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(_clock);
        services.AddQuota()
            .AddPolicy("api", p =>
            {
                p.Period = "daily";
                p.Allowances["requests"] = 1_000;
                p.FailureMode = mode;
                // Generous, so a loaded machine never fails a healthy call; a dead server fails at once anyway, and a
                // stalled one at this deadline, both well inside NoHang.
                p.StoreTimeout = TimeSpan.FromSeconds(5);
            })
            .UseRedisStore(configuration);
        return services.BuildServiceProvider();
    }

    private static Task EventuallyAllowedAsync(IQuotaService quota, string key)
        => EventuallyAsync(async () => (await quota.TryConsumeAsync("api", key)).Outcome == QuotaOutcome.Allowed);

    /// <summary>Retries until the condition holds: reconnecting takes the client a moment after the server is back.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Redis did not come back within 60 s.");
            await Task.Delay(100);
        }
    }
}
