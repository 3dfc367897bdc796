using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Builder;

/// <summary>What UseQuota refuses at start-up.</summary>
public sealed class QuotaApplicationBuilderExtensionsTests
{
    [Fact]
    public async Task UseQuota_without_AddQuota_stops_start_up_saying_what_to_call()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => QuotaTestHost.StartAsync(quota: null, endpoints => endpoints.MapGet("/", () => "hi")));
        Assert.Contains("Quota's HTTP services are not registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("builder.Services.AddQuota(builder.Configuration.GetSection(\"Quota\")).AddHttp()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseQuota_without_AddHttp_stops_start_up_saying_what_to_call()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => QuotaTestHost.StartAsync(
            quota: null,
            endpoints => endpoints.MapGet("/", () => "hi"),
            services: s => s.AddQuota().AddPolicy("hello", QuotaPeriod.Monthly, ("requests", 1))));
        Assert.Contains(".AddHttp()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_global_policy_that_does_not_exist_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; }).AddHttp(o => o.GlobalPolicy = "site"),
            endpoints => endpoints.MapGet("/", () => "hi")));
        Assert.Contains("Quota:GlobalPolicy is 'site', but no policy has that name (configured: 'hello')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Core_policy_errors_stop_start_up_too()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => QuotaTestHost.StartAsync(
            quota => quota.AddPolicy("hello", p => { p.Period = "fortnightly"; p.Allowances["requests"] = 1; }),
            endpoints => endpoints.MapGet("/", () => "hi")));
        Assert.Contains("Quota:Policies:hello:Period: 'fortnightly' is not a quota period", error.Message, StringComparison.Ordinal);
    }
}
