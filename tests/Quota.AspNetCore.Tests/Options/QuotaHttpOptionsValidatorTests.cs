using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Options;

/// <summary>Bad HTTP settings stop start-up with a message naming the policy and the value.</summary>
public sealed class QuotaHttpOptionsValidatorTests
{
    private static Task<QuotaTestHost> HostAsync(Action<QuotaHttpPolicyOptions> http) => QuotaTestHost.StartAsync(
        quota => quota.AddHttpPolicy("hello", p => { p.Period = "monthly"; p.Allowances["requests"] = 1; }, http),
        endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));

    [Theory]
    [InlineData("200-")]
    [InlineData("abc")]
    [InlineData("600")]
    public async Task A_malformed_status_range_stops_start_up_naming_the_policy_and_the_value(string ranges)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostAsync(http => http.QuotaOnStatusCodes = ranges));
        Assert.Contains($"Quota policy 'hello': QuotaOnStatusCodes '{ranges}' has '{ranges}', which is not a status code or range", error.Message, StringComparison.Ordinal);
        Assert.Contains("'200-299, 304'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuotaBy_function_without_GetQuotaDetail_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostAsync(http => http.QuotaBy = QuotaBy.Function));
        Assert.Contains("Quota policy 'hello': QuotaBy is 'Function' but no GetQuotaDetail is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAnchorDate_under_another_anchor_mode_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostAsync(http =>
        {
            http.QuotaAnchorMode = QuotaAnchorMode.Calendar;
            http.GetAnchorDate = _ => ValueTask.FromResult(Instant.FromUtc(2025, 1, 1, 0, 0));
        }));
        Assert.Contains("GetAnchorDate is set but QuotaAnchorMode is 'Calendar'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAnchorDate_without_the_function_anchor_mode_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostAsync(http => http.GetAnchorDate = _ => ValueTask.FromResult(Instant.FromUtc(2025, 1, 1, 0, 0))));
        Assert.Contains("Quota policy 'hello': GetAnchorDate is set but its anchor mode is 'FirstUse'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var options = new QuotaHttpOptions { GlobalPolicy = " " };
        options.Policies["a"] = new QuotaHttpPolicyOptions { QuotaOnStatusCodes = "abc" };
        options.Policies["b"] = new QuotaHttpPolicyOptions { QuotaBy = (QuotaBy)7, QuotaAnchorMode = (QuotaAnchorMode)9 };

        var errors = QuotaHttpOptionsValidator.Collect(options);
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Quota:GlobalPolicy is blank", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Quota policy 'a': QuotaOnStatusCodes 'abc'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Quota policy 'b': QuotaBy '7' is unknown", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Quota policy 'b': QuotaAnchorMode '9' is unknown", StringComparison.Ordinal));
    }
}
