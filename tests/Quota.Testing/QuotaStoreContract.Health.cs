using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Quota.Testing;

public abstract partial class QuotaStoreContract
{
    /// <summary>
    /// A store that probes itself (<see cref="IQuotaStoreHealthProbe"/>, optional) reports healthy while it serves calls,
    /// within the probe's time. A store without a probe is reported healthy as not checked, and this test has nothing to ask.
    /// </summary>
    [Fact]
    public async Task A_store_that_probes_itself_is_healthy_while_it_serves_calls()
    {
        var store = CreateStore(Clock);
        var counter = NewCounter();
        Assert.True((await store.TryAddAsync(counter, Deltas(new QuotaMeterDelta("requests", 1, 10)), Expiry)).Applied);
        if (store is not IQuotaStoreHealthProbe probe)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await probe.ProbeAsync(new QuotaStoreHealthContext(HealthStatus.Unhealthy, TimeSpan.FromSeconds(5)), deadline.Token).AsTask().WaitAsync(deadline.Token);

        Assert.True(result.Status == HealthStatus.Healthy, $"{store.GetType().Name} reported {result.Status}: {result.Description}");
        Assert.False(string.IsNullOrWhiteSpace(result.Description));
        Assert.Equal(1, (await store.ReadAsync(counter))["requests"]);
    }
}
