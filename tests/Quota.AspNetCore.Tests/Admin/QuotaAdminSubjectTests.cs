using NodaTime.Testing;
using System.Net;
using System.Text.Json;
using Quota.AspNetCore.Tests.Support;
using static Quota.AspNetCore.Tests.Support.AdminHost;

namespace Quota.AspNetCore.Tests.Admin;

/// <summary>GET api/subject, POST api/reset and POST api/grants; subject keys are data, addressed exactly.</summary>
public sealed class QuotaAdminSubjectTests
{
    public static TheoryData<string> Keys => new()
    {
        "a/b", "a%2Fb", "a%252Fb", "a+b c", "?x=1&y=2#z", "..", "<img src=x onerror=alert(1)>", "\"'`\\", "caf\u00e9", "cafe\u0301",
        "日本語", "🙂", " padded ", "tab\tnew\nline", "\u0000nul",
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Any_key_is_read_reset_and_granted_exactly_and_apart_from_keys_that_look_alike(string key)
    {
        await using var host = await AdminHost.StartAsync();
        await host.Quota.TryConsumeAsync("hello", key, new Dictionary<string, long> { ["requests"] = 3 });
        await host.Quota.TryConsumeAsync("hello", key + "x");

        using var read = await host.GetAsync($"/quota-admin/api/subject?{Q("policy", "hello")}&{Q("key", key)}", Operator);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var subject = await read.JsonAsync();
        Assert.Equal(key, subject.GetProperty("key").GetString());
        Assert.Equal(3, subject.GetProperty("meters")[0].GetProperty("used").GetInt64());

        var json = JsonSerializer.Serialize(new { policy = "hello", key, meter = "requests", amount = 5, reason = "ticket" });
        using var granted = await host.PostAsync("/quota-admin/api/grants", json);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        using var reset = await host.PostAsync("/quota-admin/api/reset", JsonSerializer.Serialize(new { policy = "hello", key }));
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(key, (await reset.JsonAsync()).GetProperty("key").GetString());

        var after = await host.Quota.GetUsageAsync("hello", key);
        Assert.Empty(after.Meters);
        Assert.Equal(15, after.Limits["requests"]);
        var neighbour = await host.Quota.GetUsageAsync("hello", key + "x");
        Assert.Equal(1, neighbour.Meters["requests"]);
        Assert.Equal(10, neighbour.Limits["requests"]);
    }

    [Fact]
    public async Task A_subject_is_read_with_its_grants_and_alerts()
    {
        var delivered = new TaskCompletionSource();
        await using var host = await AdminHost.StartAsync(quota: q => q.AddAlertHandler((_, _) =>
        {
            delivered.TrySetResult();
            return ValueTask.CompletedTask;
        }));
        await host.TrafficAsync("alice", 8);
        await delivered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await host.Quota.GrantAsync("hello", "alice", "requests", 5, "support ticket 4711");

        using var response = await host.GetAsync("/quota-admin/api/subject?policy=hello&key=alice", Operator);
        Assert.Equal(
            """{"policy":"hello","key":"alice","anchor":"2026-01-01T00:00:00Z","cycle":{"index":0,"start":"2026-01-01T00:00:00Z","end":"2026-02-01T00:00:00Z"},"nextReset":"2026-02-01T00:00:00Z","meters":[{"name":"requests","used":8,"limit":15,"remaining":7,"granted":5,"reserved":0,"percent":53.3}],"grants":[{"meter":"requests","amount":5,"reason":"support ticket 4711","grantedAt":"2026-01-01T00:00:00Z"}],"alerts":[{"meter":"requests","percent":80,"firedAt":"2026-01-01T00:00:00Z"}]}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_grant_raises_the_limit_for_the_cycle_and_is_logged_with_the_operator_and_reason()
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 10);
        using var refused = await host.GetAsync("/hello", "alice");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        using var response = await host.PostAsync("/quota-admin/api/grants", """{"policy":"hello","key":"alice","meter":"requests","amount":5,"reason":"support ticket 4711"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var meter = (await response.JsonAsync()).GetProperty("meters")[0];
        Assert.Equal(15, meter.GetProperty("limit").GetInt64());
        Assert.Equal(5, meter.GetProperty("remaining").GetInt64());

        using var allowed = await host.GetAsync("/hello", "alice");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("\"hello\";r=4;t=2678400", allowed.Header("RateLimit"));
        var log = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5102);
        Assert.Equal("Quota admin 'operator' granted 5 'requests' to subject 'alice' of policy 'hello' until 2026-02-01T00:00:00Z: support ticket 4711", log.Message);
    }

    [Fact]
    public async Task A_reset_sets_the_cycles_meters_to_zero_and_keeps_its_grants_and_is_logged()
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 10);
        await host.Quota.GrantAsync("hello", "alice", "requests", 2, "goodwill");

        using var response = await host.PostAsync("/quota-admin/api/reset", """{"policy":"HELLO","key":"alice"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            """[{"name":"requests","used":0,"limit":12,"remaining":12,"granted":2,"reserved":0,"percent":0}]""",
            (await response.JsonAsync()).GetProperty("meters").GetRawText());
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 5101 && e.Message == "Quota admin 'operator' reset subject 'alice' of policy 'hello' in the cycle that resets at 2026-02-01T00:00:00Z.");
        using var allowed = await host.GetAsync("/hello", "alice");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task A_leased_subject_shows_what_is_spent_and_what_is_reserved_apart_in_every_view()
    {
        var clock = FakeClock.FromUtc(2026, 1, 1);
        await using var host = await AdminHost.StartAsync(quota: q => q.UseStore(_ => new ReservingStore(clock, reserved: 3)), clock: clock);
        await host.TrafficAsync("alice", 4);

        using var subject = await host.GetAsync("/quota-admin/api/subject?policy=hello&key=alice", Operator);
        using var page = await host.GetAsync("/quota-admin/api/usage?policy=hello", Operator);
        using var csv = await host.GetAsync("/quota-admin/api/export?policy=hello", Operator);

        // 4 spent and 3 held in blocks: 3 of the 10 remain, and the percent is what is spent.
        const string meters = """[{"name":"requests","used":4,"limit":10,"remaining":3,"granted":0,"reserved":3,"percent":40}]""";
        Assert.Equal(meters, (await subject.JsonAsync()).GetProperty("meters").GetRawText());
        Assert.Equal(meters, (await page.JsonAsync()).GetProperty("items")[0].GetProperty("meters").GetRawText());
        Assert.EndsWith(",requests,4,10,0,3,3\r\n", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
