using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Quota.Tests.Support;

namespace Quota.Tests.Leasing;

/// <summary>The lease instruments on the Quota meter: blocks reserved, settled and reclaimed, and who answered.</summary>
public sealed class SqliteLeaseMetricsTests : SqliteFileTest
{
    [Fact]
    public async Task Reserved_settled_reclaimed_and_local_and_store_answers_are_counted()
    {
        var policy = "metrics-" + Guid.NewGuid().ToString("N");
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == QuotaMetrics.MeterName && instrument.Name.StartsWith("quota.lease.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? policyTag = null, answer = null;
            foreach (var tag in tags)
            {
                policyTag = tag.Key == "quota.policy" ? tag.Value as string : policyTag;
                answer = tag.Key == "quota.answer" ? tag.Value as string : answer;
            }

            if (policyTag == policy)
            {
                totals.AddOrUpdate(instrument.Name + (answer is null ? "" : ":" + answer), value, (_, old) => old + value);
            }
        });
        listener.Start();

        var services = new ServiceCollection().AddSingleton<IClock>(Clock);
        services.AddQuota().AddPolicy(policy, p =>
        {
            p.Period = "monthly";
            p.AnchorMode = QuotaAnchorMode.Calendar;
            p.Allowances["requests"] = 1_000_000;
            p.Lease.Enabled = true;
            p.Lease.SettleInterval = TimeSpan.FromMilliseconds(50);
        }).UseSqliteStore(Database.ConnectionString);
        await using (var provider = services.BuildServiceProvider())
        {
            var quota = provider.GetRequiredService<IQuotaService>();
            for (var i = 0; i < 2_000; i++)
            {
                Assert.True((await quota.TryConsumeAsync(policy, "subject")).IsAllowed);
            }
        }

        // Shutdown settled everything: every unit reserved was either granted (settled) or given back (reclaimed).
        Assert.True(totals.GetValueOrDefault("quota.lease.answers:store") >= 1, "the first consume goes to the store");
        Assert.Equal(2_000, totals.GetValueOrDefault("quota.lease.answers:local") + totals.GetValueOrDefault("quota.lease.answers:store"));
        Assert.True(totals.GetValueOrDefault("quota.lease.answers:local") > 1_000, $"{totals.GetValueOrDefault("quota.lease.answers:local")} local answers of 2000");
        Assert.Equal(totals.GetValueOrDefault("quota.lease.reserved"), totals.GetValueOrDefault("quota.lease.settled") + totals.GetValueOrDefault("quota.lease.reclaimed"));
        Assert.Equal(2_000 - totals.GetValueOrDefault("quota.lease.answers:store"), totals.GetValueOrDefault("quota.lease.settled"));
    }
}
