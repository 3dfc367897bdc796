using NodaTime.Testing;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Quota.AspNetCore.Tests.Configuration;

/// <summary>
/// The Quota section as JSON text, and the exact outcome of starting an application with it
/// (<c>AddQuota(section).AddHttp()</c>): a bad section fails start-up with each problem naming its path and the value
/// found; a good one binds to the policy written out as one line.
/// </summary>
public sealed class ConfigurationStartUpTests
{
    /// <summary>A policy named <c>cfg</c>, written as its JSON object.</summary>
    private static string Policy(string json) => $$"""{ "Policies": { "cfg": {{json}} } }""";

    /// <summary>
    /// Bad sections: each expected line is the start of one failure, in order, up to its first full stop or the text
    /// that says what to write. Every failure names a path under <c>Quota</c> and the value found there.
    /// </summary>
    public static TheoryData<string, string, string[]> Bad => new()
    {
        // What the issue observed.
        { "allowance with a thousands separator", Policy("""{ "Period": "monthly", "Allowances": { "requests": "10,000" } }"""), ["Quota:Policies:cfg:Allowances:requests is '10,000', which is not a whole number."] },
        { "allowance in words", Policy("""{ "Period": "monthly", "Allowances": { "requests": "ten" } }"""), ["Quota:Policies:cfg:Allowances:requests is 'ten', which is not a whole number."] },
        { "store timeout in words", Policy("""{ "Period": "monthly", "StoreTimeout": "soon" }"""), ["Quota:Policies:cfg:StoreTimeout is 'soon', which is not a time span. Write hours:minutes:seconds, e.g. '00:00:01'."] },
        { "unknown failure mode", Policy("""{ "Period": "monthly", "FailureMode": "Sometimes" }"""), ["Quota:Policies:cfg:FailureMode is 'Sometimes', which is not a failure mode. Write FailClosed or FailOpen."] },
        { "unknown anchor mode", Policy("""{ "Period": "monthly", "AnchorMode": "Whenever" }"""), ["Quota:Policies:cfg:AnchorMode is 'Whenever', which is not an anchor mode. Write FirstUse (or first-api-call), Function or Calendar."] },
        { "misspelt enforcement", Policy("""{ "Period": "monthly", "Enforcement": "Shadw" }"""), ["Quota:Policies:cfg:Enforcement is 'Shadw', which is not an enforcement. Write Enforce or Shadow."] },
        { "unknown quotaBy", Policy("""{ "Period": "monthly", "QuotaBy": "apikey" }"""), ["Quota:Policies:cfg:QuotaBy is 'apikey', which is not a way to identify callers. Write User or Function."] },
        { "misspelt Allowances", Policy("""{ "Period": "monthly", "Alowances": { "requests": 10 } }"""), ["Quota:Policies:cfg:Alowances is a section (requests), which is not a setting of a quota policy. Did you mean Allowances?"] },

        // Numbers.
        { "allowance with an exponent", Policy("""{ "Period": "monthly", "Allowances": { "requests": 1e4 } }"""), ["Quota:Policies:cfg:Allowances:requests is '1e4', which is not a whole number."] },
        { "allowance with a fraction", Policy("""{ "Period": "monthly", "Allowances": { "requests": 10.5 } }"""), ["Quota:Policies:cfg:Allowances:requests is '10.5', which is not a whole number."] },
        { "allowance past long", Policy("""{ "Period": "monthly", "Allowances": { "requests": 99999999999999999999 } }"""), ["Quota:Policies:cfg:Allowances:requests is '99999999999999999999', which is not a whole number."] },
        { "negative allowance", Policy("""{ "Period": "monthly", "Allowances": { "requests": -5 } }"""), ["Quota:Policies:cfg:Allowances:requests is -5, which is negative."] },
        { "allowance that is an object", Policy("""{ "Period": "monthly", "Allowances": { "requests": { "max": 5 } } }"""), ["Quota:Policies:cfg:Allowances:requests is a section (max), which is not a whole number."] },
        { "allowances that are a number", Policy("""{ "Period": "monthly", "Allowances": 5 }"""), ["Quota:Policies:cfg:Allowances is '5', which is not a map of meters."] },

        // Periods, zones and times.
        { "unknown period", Policy("""{ "Period": "fortnightly" }"""), ["Quota:Policies:cfg:Period: 'fortnightly' is not a quota period."] },
        { "zero period", Policy("""{ "Period": "P0D" }"""), ["Quota:Policies:cfg:Period: 'P0D' is not a positive period"] },
        { "missing period", Policy("""{ "Allowances": { "requests": 1 } }"""), ["Quota:Policies:cfg:Period: A quota period is required."] },
        { "period that is an object", Policy("""{ "Period": { "months": 1 } }"""), ["Quota:Policies:cfg:Period is a section (months), which is not a value.", "Quota:Policies:cfg:Period: A quota period is required."] },
        { "unknown time zone", Policy("""{ "Period": "monthly", "TimeZone": "Mars/Olympus" }"""), ["Quota:Policies:cfg:TimeZone is 'Mars/Olympus', which is not an IANA time zone id."] },
        { "store timeout as a bare number", Policy("""{ "Period": "monthly", "StoreTimeout": "5" }"""), ["Quota:Policies:cfg:StoreTimeout is '5', which is not a time span."] },
        { "store timeout too long", Policy("""{ "Period": "monthly", "StoreTimeout": "00:10:00" }"""), ["Quota:Policies:cfg:StoreTimeout is '00:10:00', which is out of range."] },
        { "store timeout of zero", Policy("""{ "Period": "monthly", "StoreTimeout": "00:00:00" }"""), ["Quota:Policies:cfg:StoreTimeout is '00:00:00', which is out of range."] },
        { "negative subject cache", Policy("""{ "Period": "monthly", "SubjectCacheDuration": "-00:01:00" }"""), ["Quota:Policies:cfg:SubjectCacheDuration is '-00:01:00', which is negative."] },

        // Modes.
        { "numeric enforcement", Policy("""{ "Period": "monthly", "Enforcement": 1 }"""), ["Quota:Policies:cfg:Enforcement is '1', which is not an enforcement."] },
        { "empty failure mode", Policy("""{ "Period": "monthly", "FailureMode": "" }"""), ["Quota:Policies:cfg:FailureMode is empty, which is not a failure mode."] },
        { "Zuplo anchor mode misspelt", Policy("""{ "Period": "monthly", "quotaAnchorMode": "first-call" }"""), ["Quota:Policies:cfg:quotaAnchorMode is 'first-call', which is not an anchor mode."] },
        { "anchor mode given twice", Policy("""{ "Period": "monthly", "AnchorMode": "Calendar", "QuotaAnchorMode": "first-api-call" }"""), ["Quota:Policies:cfg:QuotaAnchorMode is 'first-api-call', but Quota:Policies:cfg:AnchorMode is set too. Write one of them."] },
        { "function anchor without a function", Policy("""{ "Period": "monthly", "quotaAnchorMode": "function" }"""), ["Quota:Policies:cfg:AnchorMode is 'Function' but no AnchorProvider is set."] },
        { "quotaBy function without a function", Policy("""{ "Period": "monthly", "quotaBy": "function" }"""), ["Quota:Policies:cfg:QuotaBy is 'Function' but no SubjectFromRequest is set."] },

        // Status codes.
        { "status range with a typo", Policy("""{ "Period": "monthly", "QuotaOnStatusCodes": "200-299, 30x" }"""), ["Quota:Policies:cfg:QuotaOnStatusCodes is '200-299, 30x', in which '30x' is not a status code or range."] },
        { "status range backwards", Policy("""{ "Period": "monthly", "QuotaOnStatusCodes": "299-200" }"""), ["Quota:Policies:cfg:QuotaOnStatusCodes is '299-200', in which '299-200' is a range that ends before it starts."] },
        { "status list with a typo", Policy("""{ "Period": "monthly", "QuotaOnStatusCodes": [200, "30x"] }"""), ["Quota:Policies:cfg:QuotaOnStatusCodes is a section (0, 1), in which '30x' is not a status code or range."] },
        { "status list holding an object", Policy("""{ "Period": "monthly", "QuotaOnStatusCodes": [200, { "code": 304 }] }"""), ["Quota:Policies:cfg:QuotaOnStatusCodes is a section (0, 1), which is not a list of status codes."] },
        { "status code out of range", Policy("""{ "Period": "monthly", "QuotaOnStatusCodes": 600 }"""), ["Quota:Policies:cfg:QuotaOnStatusCodes is '600', in which '600' is not a status code or range."] },

        // Keys no one reads.
        { "misspelt Period", Policy("""{ "Peroid": "monthly" }"""), ["Quota:Policies:cfg:Peroid is 'monthly', which is not a setting of a quota policy. Did you mean Period?", "Quota:Policies:cfg:Period: A quota period is required."] },
        { "a future setting", Policy("""{ "Period": "monthly", "Burst": { "Enabled": true } }"""), ["Quota:Policies:cfg:Burst is a section (Enabled), which is not a setting of a quota policy."] },
        { "Zuplo's identifier module", Policy("""{ "Period": "monthly", "identifier": { "module": "$import(./modules/my-module)", "getQuotaDetailExport": "getQuotaDetail" } }"""), ["Quota:Policies:cfg:identifier is a section (getQuotaDetailExport, module), which names Zuplo's JavaScript module of functions, and .NET cannot load it."] },
        { "Zuplo's function by name", Policy("""{ "Period": "monthly", "getQuotaDetail": "getQuotaDetail" }"""), ["Quota:Policies:cfg:getQuotaDetail is 'getQuotaDetail', which is Zuplo's function, and configuration cannot hold one."] },
        { "a function in configuration", Policy("""{ "Period": "monthly", "AnchorProvider": "subscriptions" }"""), ["Quota:Policies:cfg:AnchorProvider is 'subscriptions', which is a function, and configuration cannot hold one."] },
        {
            "a whole Zuplo policies.json entry",
            Policy("""{ "name": "my-quota-inbound-policy", "policyType": "quota-inbound", "handler": { "export": "QuotaInboundPolicy", "options": { "period": "monthly" } } }"""),
            [
                "Quota:Policies:cfg:handler is a section (export, options), which belongs to a Zuplo policies.json entry, not to its options.",
                "Quota:Policies:cfg:name is 'my-quota-inbound-policy', which belongs to a Zuplo policies.json entry, not to its options.",
                "Quota:Policies:cfg:policyType is 'quota-inbound', which belongs to a Zuplo policies.json entry, not to its options.",
                "Quota:Policies:cfg:Period: A quota period is required.",
            ]
        },
        { "a policy that is a string", Policy("\"monthly\""), ["Quota:Policies:cfg is 'monthly', which is not a policy."] },
        {
            "several problems at once",
            Policy("""{ "Period": "monthly", "Allowances": { "requests": "ten", "tokens": "1,000" }, "FailureMode": "Sometimes", "StoreTimeout": "00:09:00" }"""),
            [
                "Quota:Policies:cfg:Allowances:requests is 'ten', which is not a whole number.",
                "Quota:Policies:cfg:Allowances:tokens is '1,000', which is not a whole number.",
                "Quota:Policies:cfg:FailureMode is 'Sometimes', which is not a failure mode.",
                "Quota:Policies:cfg:StoreTimeout is '00:09:00', which is out of range.",
            ]
        },

        // Keys directly under Quota.
        { "policies that are a string", """{ "Policies": "cfg" }""", ["Quota:Policies is 'cfg', which is not a set of policies."] },
        { "misspelt Policies", """{ "Polices": { "cfg": { "Period": "monthly" } } }""", ["Quota:Polices is a section (cfg), which is not a Quota setting. Did you mean Policies?"] },
        { "a policy outside Policies", """{ "cfg": { "Period": "monthly" } }""", ["Quota:cfg is a section (Period), which looks like a policy. Write policies under Policies, e.g. Quota:Policies:cfg."] },
        { "a store section no store reads", """{ "Sqlite": { "ConnectionString": "Data Source=quota.db" } }""", ["Quota:Sqlite is a section (ConnectionString), which no component reads."] },
        { "a global policy that does not exist", """{ "GlobalPolicy": "site", "Policies": { "cfg": { "Period": "monthly" } } }""", ["Quota:GlobalPolicy is 'site', but no policy has that name (configured: 'cfg')."] },
        { "cache size in words", """{ "MaxCachedSubjects": "lots" }""", ["Quota:MaxCachedSubjects is 'lots', which is not a whole number."] },
        { "cache size of zero", """{ "MaxCachedSubjects": 0 }""", ["Quota:MaxCachedSubjects is 0, which is not positive."] },
        { "clock interval too long", """{ "ClockReadInterval": "00:05:00" }""", ["Quota:ClockReadInterval is '00:05:00', which is out of range."] },
        { "negative retention", """{ "ExpiredCounterRetention": "-01:00:00" }""", ["Quota:ExpiredCounterRetention is '-01:00:00', which is negative."] },
    };

    /// <summary>Good sections: the policy <c>cfg</c> each binds to, written out by <see cref="Describe"/>.</summary>
    public static TheoryData<string, string, string> Good => new()
    {
        { "the smallest policy", Policy("""{ "Period": "monthly", "Allowances": { "requests": 10 } }"""), "monthly | requests=10 | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        {
            "Zuplo's quota-inbound example options, as published",
            Policy("""
                {
                  "allowances": {
                    "requests": 10
                  },
                  "period": "monthly",
                  "quotaBy": "user",
                  "quotaOnStatusCodes": "200-399"
                }
                """),
            "monthly | requests=10 | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-399"
        },
        { "Zuplo's anchor mode and status list", Policy("""{ "period": "daily", "allowances": { "requests": 100 }, "quotaAnchorMode": "first-api-call", "quotaOnStatusCodes": "200-299, 304" }"""), "daily | requests=100 | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299, 304" },
        { "status codes as a list of numbers", Policy("""{ "period": "daily", "quotaOnStatusCodes": [200, 304] }"""), "daily |  | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200, 304" },
        { "status codes as a list of numbers and ranges", Policy("""{ "period": "daily", "quotaOnStatusCodes": ["200-299", 304, "400-404"] }"""), "daily |  | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299, 304, 400-404" },
        { "upper case values", Policy("""{ "PERIOD": "HOURLY", "QUOTABY": "USER", "ANCHORMODE": "CALENDAR" }"""), "hourly |  | Calendar | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "an ISO-8601 period, calendar aligned", Policy("""{ "Period": "P3M", "AnchorMode": "calendar", "Allowances": { "rows": 1000000 } }"""), "P3M | rows=1000000 | Calendar | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "yearly in a zone", Policy("""{ "Period": "yearly", "TimeZone": "Europe/Berlin" }"""), "yearly |  | FirstUse | Europe/Berlin | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "six hours", Policy("""{ "Period": "PT6H", "Allowances": { "requests": 5 } }"""), "PT6H | requests=5 | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "Zuplo's anchor mode in Pascal case", Policy("""{ "Period": "weekly", "QuotaAnchorMode": "FirstApiCall" }"""), "weekly |  | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "our anchor mode with a hyphen", Policy("""{ "Period": "weekly", "AnchorMode": "first-use" }"""), "weekly |  | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "shadow and fail-open", Policy("""{ "Period": "daily", "Enforcement": "shadow", "FailureMode": "fail-open" }"""), "daily |  | FirstUse | UTC | Shadow | FailOpen | 00:00:01 | 00:01:00 | User | 200-299" },
        { "times with fractions and zero", Policy("""{ "Period": "daily", "StoreTimeout": "00:00:00.250", "SubjectCacheDuration": "00:00:00" }"""), "daily |  | FirstUse | UTC | Enforce | FailClosed | 00:00:00.2500000 | 00:00:00 | User | 200-299" },
        { "several meters, one refusing everything", Policy("""{ "Period": "monthly", "Allowances": { "requests": 10000, "tokens": 500000, "rows": 0 } }"""), "monthly | requests=10000, rows=0, tokens=500000 | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "allowances as strings (environment variables)", Policy("""{ "Period": "monthly", "Allowances": { "requests": "10000", "tokens": " 42 " } }"""), "monthly | requests=10000, tokens=42 | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "no allowances at all: counted only", Policy("""{ "Period": "monthly", "Allowances": {} }"""), "monthly |  | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299" },
        { "camel case keys", Policy("""{ "period": "monthly", "timeZone": "America/New_York", "storeTimeout": "00:00:02", "failureMode": "failOpen", "enforcement": "enforce" }"""), "monthly |  | FirstUse | America/New_York | Enforce | FailOpen | 00:00:02 | 00:01:00 | User | 200-299" },
        { "a global policy and the section's settings", """{ "GlobalPolicy": "cfg", "MaxCachedSubjects": 5000, "ClockReadInterval": "00:00:00", "ExpiredCounterRetention": "02:00:00", "Policies": { "cfg": { "Period": "daily" } } }""", "daily |  | FirstUse | UTC | Enforce | FailClosed | 00:00:01 | 00:01:00 | User | 200-299 | global" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public async Task A_bad_section_fails_start_up_naming_each_path_and_value(string name, string section, string[] expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () => (await StartAsync(section)).Dispose());

        var failures = error.Failures.ToArray();
        Assert.True(expected.Length == failures.Length, $"{name}: expected {expected.Length} failure(s), got:\n{string.Join("\n", failures)}");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.StartsWith(expected[i], failures[i], StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Good))]
    public async Task A_good_section_binds_to_the_expected_policy(string name, string section, string expected)
    {
        using var host = await StartAsync(section);

        Assert.True(expected == Describe(host), $"{name}: {Describe(host)}");
    }

    [Fact]
    public void The_table_has_at_least_thirty_bad_and_fifteen_good_sections()
    {
        Assert.InRange(Bad.Count, 30, int.MaxValue);
        Assert.InRange(Good.Count, 15, int.MaxValue);
    }

    private static async Task<IHost> StartAsync(string section)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""{ "Quota": {{section}} }""")));
        builder.Services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        builder.Services.AddQuota(builder.Configuration.GetSection("Quota")).AddHttp();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>The policy <c>cfg</c> as the application runs it, on one line.</summary>
    private static string Describe(IHost host)
    {
        var policy = host.Services.GetRequiredService<IQuotaService>().GetPolicy("cfg");
        var http = host.Services.GetRequiredService<HttpPolicies>();
        var allowances = string.Join(", ", policy.Allowances.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
        var line = string.Join(
            " | ",
            policy.Period.Name,
            allowances,
            policy.AnchorMode,
            policy.Zone.Id,
            policy.Enforcement,
            policy.FailureMode,
            policy.StoreTimeout.ToString("c", CultureInfo.InvariantCulture),
            policy.SubjectCacheDuration.ToString("c", CultureInfo.InvariantCulture),
            http.Find("cfg")!.QuotaBy,
            http.Find("cfg")!.Counted.Text);
        return http.Global?.Name == "cfg" ? line + " | global" : line;
    }
}
