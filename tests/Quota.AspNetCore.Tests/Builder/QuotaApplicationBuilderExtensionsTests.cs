using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
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
        Assert.Contains("Quota's services are not registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("builder.Services.AddQuota(", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HTTP_settings_in_configuration_that_nothing_bound_stop_start_up()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Quota:Policies:hello:Period"] = "monthly",
            ["Quota:Policies:hello:Allowances:requests"] = "10",
            ["Quota:Policies:hello:QuotaOnStatusCodes"] = "200-299, 304",
        };
        using var host = new HostBuilder()
            .ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings))
            .ConfigureWebHost(web => web.UseTestServer()
                .ConfigureServices((context, services) => services.AddRouting().AddQuota(context.Configuration.GetSection("Quota")))
                .Configure(app => app.UseQuota()))
            .Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("Configuration sets Quota:Policies:hello:QuotaOnStatusCodes", error.Message, StringComparison.Ordinal);
        Assert.Contains(".AddHttp(section)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HTTP_settings_for_a_policy_that_does_not_exist_stop_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => QuotaTestHost.StartAsync(
            quota => quota.AddHttpPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; }).ConfigureHttpPolicy("helo", http => http.QuotaOnStatusCodes = "200"),
            endpoints => endpoints.MapGet("/", () => "hi")));
        Assert.Contains("Quota:Policies:helo has HTTP settings but no policy is named 'helo' (configured: 'hello')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_global_policy_that_does_not_exist_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => QuotaTestHost.StartAsync(
            quota => quota.AddHttpPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; }).AddHttp(o => o.GlobalPolicy = "site"),
            endpoints => endpoints.MapGet("/", () => "hi")));
        Assert.Contains("Quota:GlobalPolicy names 'site' but no policy has that name (configured: 'hello')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Core_policy_errors_stop_start_up_too()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => QuotaTestHost.StartAsync(
            quota => quota.AddHttpPolicy("hello", p => { p.Period = "fortnightly"; p.Allowances["requests"] = 1; }),
            endpoints => endpoints.MapGet("/", () => "hi")));
        Assert.Contains("Quota policy 'hello': Period: 'fortnightly' is not a quota period", error.Message, StringComparison.Ordinal);
    }
}
