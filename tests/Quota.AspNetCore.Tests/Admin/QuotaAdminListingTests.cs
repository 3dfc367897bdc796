using NodaTime.Testing;
using System.Net;
using System.Text.Json;
using Quota.AspNetCore.Tests.Support;
using static Quota.AspNetCore.Tests.Support.AdminHost;

namespace Quota.AspNetCore.Tests.Admin;

/// <summary>GET api/policies, api/usage (paged, per cycle), api/alerts and api/export.</summary>
public sealed class QuotaAdminListingTests
{
    [Fact]
    public async Task Policies_are_listed_with_period_zone_anchor_allowances_and_thresholds()
    {
        await using var host = await AdminHost.StartAsync();
        using var response = await host.GetAsync("/quota-admin/api/policies", Operator);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", response.Header("Cache-Control"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Equal(
            """{"policies":[{"name":"hello","period":"monthly","periodIso":"P1M","timeZone":"UTC","anchorMode":"FirstUse","enforcement":"Enforce","failureMode":"FailClosed","allowances":{"requests":10},"thresholds":{"requests":[80,100]},"dynamicAllowances":false},{"name":"tokens","period":"daily","periodIso":"P1D","timeZone":"UTC","anchorMode":"FirstUse","enforcement":"Enforce","failureMode":"FailClosed","allowances":{"tokens":1000},"thresholds":{},"dynamicAllowances":false}]}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Usage_lists_each_subject_with_used_limit_remaining_percent_anchor_and_next_reset()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        var delivered = new TaskCompletionSource();
        await using var host = await AdminHost.StartAsync(clock: clock, quota: q => q.AddAlertHandler((_, _) =>
        {
            delivered.TrySetResult();
            return ValueTask.CompletedTask;
        }));
        await host.TrafficAsync("alice", 8);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(Duration.FromHours(1));
        await host.TrafficAsync("bob", 2);
        await host.Quota.RecordAsync("hello", "bob", new Dictionary<string, long> { ["tokens"] = 7 });

        using var response = await host.GetAsync("/quota-admin/api/usage?policy=hello", Operator);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("hello", body.GetProperty("policy").GetString());
        Assert.Equal("2026-01-01T01:00:00Z", body.GetProperty("at").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next").ValueKind);
        var items = body.GetProperty("items");
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal(
            """{"policy":"hello","key":"alice","anchor":"2026-01-01T00:00:00Z","cycle":{"index":0,"start":"2026-01-01T00:00:00Z","end":"2026-02-01T00:00:00Z"},"nextReset":"2026-02-01T00:00:00Z","meters":[{"name":"requests","used":8,"limit":10,"remaining":2,"granted":0,"reserved":0,"percent":80}],"grants":[],"alerts":[{"meter":"requests","percent":80,"firedAt":"2026-01-01T00:00:00Z"}]}""",
            items[0].GetRawText());
        Assert.Equal(
            """[{"name":"requests","used":2,"limit":10,"remaining":8,"granted":0,"reserved":0,"percent":20},{"name":"tokens","used":7,"limit":null,"remaining":null,"granted":0,"reserved":0,"percent":null}]""",
            items[1].GetProperty("meters").GetRawText());
        Assert.Equal("2026-02-01T01:00:00Z", items[1].GetProperty("nextReset").GetString());

    }

    [Fact]
    public async Task Pages_follow_the_next_link_through_every_subject_in_the_cycles_of_the_first_page()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        await using var host = await AdminHost.StartAsync(clock: clock);
        var keys = Enumerable.Range(0, 7).Select(i => $"user {i}/{(char)('a' + i)}").ToArray();
        foreach (var key in keys)
        {
            await host.Quota.TryConsumeAsync("hello", key);
        }

        var seen = new List<string>();
        var url = "/quota-admin/api/usage?policy=hello&pageSize=3";
        string? at = null;
        var pages = 0;
        while (url is not null)
        {
            using var response = await host.GetAsync(url, Operator);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            at ??= body.GetProperty("at").GetString();
            Assert.Equal(at, body.GetProperty("at").GetString());
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!));
            url = body.GetProperty("next").GetString();
            Assert.True(url is null || url.StartsWith("/quota-admin/api/usage?policy=hello&at=2026-01-01T00%3A00%3A00Z&pageSize=3&continuation=", StringComparison.Ordinal), url);
            pages++;

            // The cycle ends between the first and second page (its counters are kept an hour): the listing keeps its cycles.
            if (pages == 1)
            {
                clock.Advance(Duration.FromDays(31) + Duration.FromMinutes(30));
            }
        }

        Assert.Equal(3, pages);
        Assert.Equal(keys.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task At_lists_the_cycle_that_contains_it_while_its_counters_are_kept()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        await using var host = await AdminHost.StartAsync(clock: clock, quota: q => q.Configure(o => o.ExpiredCounterRetention = TimeSpan.FromDays(400)));
        await host.TrafficAsync("alice", 3);
        clock.Advance(Duration.FromDays(35));
        await host.TrafficAsync("alice", 1);

        using var current = await host.GetAsync("/quota-admin/api/usage?policy=hello", Operator);
        var now = (await current.JsonAsync()).GetProperty("items")[0];
        Assert.Equal(1, now.GetProperty("meters")[0].GetProperty("used").GetInt64());
        Assert.Equal(1, now.GetProperty("cycle").GetProperty("index").GetInt64());

        using var earlier = await host.GetAsync("/quota-admin/api/usage?policy=hello&at=2026-01-15T12:00:00Z", Operator);
        var then = (await earlier.JsonAsync()).GetProperty("items")[0];
        Assert.Equal(3, then.GetProperty("meters")[0].GetProperty("used").GetInt64());
        Assert.Equal(0, then.GetProperty("cycle").GetProperty("index").GetInt64());

        using var offset = await host.GetAsync("/quota-admin/api/usage?policy=hello&at=" + Uri.EscapeDataString("2026-01-15T13:00:00+01:00"), Operator);
        Assert.Equal("2026-01-15T12:00:00Z", (await offset.JsonAsync()).GetProperty("at").GetString());
    }

    [Fact]
    public async Task IncludeUnused_lists_subjects_with_nothing_in_the_cycle_at_zero()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        await using var host = await AdminHost.StartAsync(clock: clock);
        await host.TrafficAsync("alice", 1);
        clock.Advance(Duration.FromDays(40));

        var plain = await (await host.GetAsync("/quota-admin/api/usage?policy=hello", Operator)).JsonAsync();
        Assert.Equal(0, plain.GetProperty("items").GetArrayLength());
        var all = await (await host.GetAsync("/quota-admin/api/usage?policy=hello&includeUnused=true", Operator)).JsonAsync();
        var alice = Assert.Single(all.GetProperty("items").EnumerateArray());
        Assert.Equal("""[{"name":"requests","used":0,"limit":10,"remaining":10,"granted":0,"reserved":0,"percent":0}]""", alice.GetProperty("meters").GetRawText());
    }

    [Fact]
    public async Task Alerts_lists_the_thresholds_reached_this_cycle_with_the_meters_use_now()
    {
        var delivered = new TaskCompletionSource();
        await using var host = await AdminHost.StartAsync(quota: q => q.AddAlertHandler((alert, _) =>
        {
            if (alert.Percent == 100)
            {
                delivered.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }));
        await host.TrafficAsync("alice", 10);
        await host.TrafficAsync("bob", 1);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var response = await host.GetAsync("/quota-admin/api/alerts?policy=hello", Operator);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """[{"key":"alice","meter":"requests","percent":80,"firedAt":"2026-01-01T00:00:00Z","used":10,"limit":10,"nextReset":"2026-02-01T00:00:00Z"},{"key":"alice","meter":"requests","percent":100,"firedAt":"2026-01-01T00:00:00Z","used":10,"limit":10,"nextReset":"2026-02-01T00:00:00Z"}]""",
            (await response.JsonAsync()).GetProperty("items").GetRawText());
    }

    [Fact]
    public async Task Export_streams_csv_or_json_lines_as_a_download()
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 2);
        await host.TrafficAsync("b,o\"b", 1);

        using var csv = await host.GetAsync("/quota-admin/api/export?policy=hello", Operator);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv; charset=utf-8", csv.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment; filename=hello-2026-01-01T00-00-00Z.csv; filename*=UTF-8''hello-2026-01-01T00-00-00Z.csv", csv.Header("Content-Disposition"));
        Assert.Equal(
            "policy,subject,anchor,cycle_start,cycle_end,meter,used,limit,granted,remaining,reserved\r\n"
            + "hello,alice,2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,requests,2,10,0,8,0\r\n"
            + "hello,\"b,o\"\"b\",2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,requests,1,10,0,9,0\r\n",
            await csv.Content.ReadAsStringAsync());

        using var lines = await host.GetAsync("/quota-admin/api/export?policy=hello&format=jsonl", Operator);
        Assert.Equal("application/jsonl; charset=utf-8", lines.Content.Headers.ContentType!.ToString());
        Assert.Equal(2, (await lines.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
