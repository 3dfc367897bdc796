using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Quota.AspNetCore.Tests.Support;
using static Quota.AspNetCore.Tests.Support.AdminHost;

namespace Quota.AspNetCore.Tests.Admin;

/// <summary>Every input is validated; problem details (RFC 9457) name each offending parameter and what to send instead.</summary>
public sealed class QuotaAdminValidationTests
{
    [Theory]
    [InlineData("/quota-admin/api/usage", "policy", "Send the parameter 'policy', e.g. ?policy=hello-monthly (URL-encoded).")]
    [InlineData("/quota-admin/api/usage?policy=", "policy", "'policy' is empty. Send a value, e.g. ?policy=hello-monthly.")]
    [InlineData("/quota-admin/api/usage?policy=hello&policy=tokens", "policy", "'policy' is given 2 times. Send it once.")]
    [InlineData("/quota-admin/api/usage?policy=hello&pageSize=0", "pageSize", "'pageSize' is '0'. Send a whole number from 1 to 1000, e.g. 100.")]
    [InlineData("/quota-admin/api/usage?policy=hello&pageSize=5000", "pageSize", "'pageSize' is '5000'. Send a whole number from 1 to 1000, e.g. 100.")]
    [InlineData("/quota-admin/api/usage?policy=hello&pageSize=ten", "pageSize", "'pageSize' is 'ten'. Send a whole number from 1 to 1000, e.g. 100.")]
    [InlineData("/quota-admin/api/usage?policy=hello&at=yesterday", "at", "'at' is 'yesterday', which is not an instant. Send an ISO-8601 instant, e.g. 2026-11-21T23:42:50Z, or leave it out for now.")]
    [InlineData("/quota-admin/api/usage?policy=hello&includeUnused=yes", "includeUnused", "'includeUnused' is 'yes'. Send true or false.")]
    [InlineData("/quota-admin/api/usage?policy=hello&page=2", "page", "'page' is not a parameter of this endpoint. Send only: policy, at, pageSize, continuation, includeUnused.")]
    [InlineData("/quota-admin/api/usage?policy=hello&continuation=not-ours", "continuation", "The continuation is not one this store issued. Pass the Continuation of the previous page, or null for the first page. Follow the 'next' link of the previous page.")]
    [InlineData("/quota-admin/api/subject?policy=hello", "key", "Send the parameter 'key', e.g. ?key=alice (URL-encoded).")]
    [InlineData("/quota-admin/api/export?policy=hello&format=xlsx", "format", "'format' is 'xlsx'. Send csv (one row per subject and meter) or jsonl (one JSON object per subject and line).")]
    [InlineData("/quota-admin/api/policies?verbose=1", "verbose", "'verbose' is not a parameter of this endpoint, which takes none. Leave it out.")]
    public async Task A_bad_query_is_a_400_problem_that_names_the_parameter_and_what_to_send(string path, string parameter, string message)
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 1);
        using var response = await host.GetAsync(path, Operator);
        await AssertInvalidAsync(response, parameter, message);
    }

    [Fact]
    public async Task An_unknown_policy_is_a_404_problem_that_lists_the_policies()
    {
        await using var host = await AdminHost.StartAsync();
        using var response = await host.GetAsync("/quota-admin/api/usage?policy=helo", Operator);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(QuotaProblemTypes.AdminUnknownPolicy, problem.GetProperty("type").GetString());
        Assert.Contains("'helo'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("hello", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("GET api/policies lists them.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","reason":"r"}""", "amount", "'amount' is missing. Send a whole number above zero, e.g. 5000; a grant cannot be taken back, it ends with the cycle.")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","amount":0,"reason":"r"}""", "amount", "'amount' is 0. Send a whole number above zero, e.g. 5000; a grant cannot be taken back, it ends with the cycle.")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","amount":-5,"reason":"r"}""", "amount", "'amount' is -5. Send a whole number above zero, e.g. 5000; a grant cannot be taken back, it ends with the cycle.")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","amount":5,"reason":"  "}""", "reason", "'reason' is empty. Send it as a string that is not blank, e.g. {\"policy\": \"hello-monthly\", \"key\": \"alice\", \"meter\": \"requests\", \"amount\": 5, \"reason\": \"support ticket 4711\"}.")]
    [InlineData("""{"policy":"hello","key":"","meter":"requests","amount":5,"reason":"r"}""", "key", "'key' is empty. Send it as a non-empty string, e.g. {\"policy\": \"hello-monthly\", \"key\": \"alice\", \"meter\": \"requests\", \"amount\": 5, \"reason\": \"support ticket 4711\"}.")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"tokens","amount":5,"reason":"r"}""", "meter", "Meter 'tokens' of quota policy 'hello' has no allowance for this subject, so it never refuses and a grant would change nothing (grant one of: 'requests').")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","amount":9223372036854775807,"reason":"r"}""", "amount", "Granting 9223372036854775807 more 'requests' under quota policy 'hello' would take the limit past 9223372036854775807 (allowance 10, granted this cycle 0); nothing was granted. Grant at most 9223372036854775797.")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","amount":"5","reason":"r"}""", "body", "The body is not the JSON object this endpoint reads (at $.amount, line 1): send only these members, strings as strings and the amount as a whole number, e.g. {\"policy\": \"hello-monthly\", \"key\": \"alice\", \"meter\": \"requests\", \"amount\": 5, \"reason\": \"support ticket 4711\"}.")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","amount":2.5,"reason":"r"}""", "body", "The body is not the JSON object this endpoint reads (at $.amount, line 1): send only these members, strings as strings and the amount as a whole number, e.g. {\"policy\": \"hello-monthly\", \"key\": \"alice\", \"meter\": \"requests\", \"amount\": 5, \"reason\": \"support ticket 4711\"}.")]
    [InlineData("""{"policy":"hello","key":"alice","meter":"requests","ammount":5,"reason":"r"}""", "body", "The body is not the JSON object this endpoint reads (at $.ammount, line 1): send only these members, strings as strings and the amount as a whole number, e.g. {\"policy\": \"hello-monthly\", \"key\": \"alice\", \"meter\": \"requests\", \"amount\": 5, \"reason\": \"support ticket 4711\"}.")]
    [InlineData("""{"policy":"hello",""", "body", "The body is not the JSON object this endpoint reads (at $, line 1): send only these members, strings as strings and the amount as a whole number, e.g. {\"policy\": \"hello-monthly\", \"key\": \"alice\", \"meter\": \"requests\", \"amount\": 5, \"reason\": \"support ticket 4711\"}.")]
    [InlineData("null", "body", "The body is null. Send a JSON object, e.g. {\"policy\": \"hello-monthly\", \"key\": \"alice\", \"meter\": \"requests\", \"amount\": 5, \"reason\": \"support ticket 4711\"}.")]
    public async Task A_bad_grant_is_a_400_problem_and_grants_nothing(string json, string member, string message)
    {
        await using var host = await AdminHost.StartAsync();
        await host.TrafficAsync("alice", 1);
        using var response = await host.PostAsync("/quota-admin/api/grants", json);
        await AssertInvalidAsync(response, member, message);
        Assert.Empty((await host.Quota.GetUsageAsync("hello", "alice")).Grants);
    }

    [Fact]
    public async Task Every_missing_member_is_listed_at_once()
    {
        await using var host = await AdminHost.StartAsync();
        using var response = await host.PostAsync("/quota-admin/api/grants", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Equal(["policy", "key", "meter", "reason", "amount"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_and_one_too_large_a_413()
    {
        await using var host = await AdminHost.StartAsync();
        using var form = await host.PostAsync("/quota-admin/api/reset", "policy=hello&key=alice", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal("The body's Content-Type is 'application/x-www-form-urlencoded'. Send a JSON object with 'Content-Type: application/json'.", (await form.JsonAsync()).GetProperty("detail").GetString());

        var huge = JsonSerializer.Serialize(new { policy = "hello", key = "alice", meter = "requests", amount = 1, reason = new string('x', 20_000) });
        using var large = await host.PostAsync("/quota-admin/api/grants", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(QuotaProblemTypes.AdminInvalidRequest, (await large.JsonAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_failing_store_is_a_503_problem()
    {
        await using var host = await AdminHost.StartAsync(quota: q => q.Services.AddSingleton<IQuotaStore>(new FaultyStore(hang: false)));
        using var listing = await host.GetAsync("/quota-admin/api/usage?policy=hello", Operator);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, listing.StatusCode);
        Assert.Equal(QuotaProblemTypes.StoreUnavailable, (await listing.JsonAsync()).GetProperty("type").GetString());
        using var reset = await host.PostAsync("/quota-admin/api/reset", """{"policy":"hello","key":"alice"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reset.StatusCode);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 5105);
    }

    [Fact]
    public async Task A_listing_page_waits_for_a_hung_store_for_thirty_seconds_then_answers_503()
    {
        var time = new FakeTimeProvider();
        var store = new FaultyStore(hang: true);
        await using var host = await AdminHost.StartAsync(
            quota: q => q.Services.AddSingleton<IQuotaStore>(store),
            services: s => s.AddSingleton<TimeProvider>(time));
        var listing = host.GetAsync("/quota-admin/api/usage?policy=hello", Operator);

        // The page's deadline starts before the store is called.
        for (var i = 0; i < 400 && store.Calls == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(1, store.Calls);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(100);
        Assert.False(listing.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await listing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(QuotaProblemTypes.StoreUnavailable, (await response.JsonAsync()).GetProperty("type").GetString());
    }

    private static async Task AssertInvalidAsync(HttpResponseMessage response, string member, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(QuotaProblemTypes.AdminInvalidRequest, problem.GetProperty("type").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.Equal(message, Assert.Single(errors.GetProperty(member).EnumerateArray()).GetString());
    }
}
