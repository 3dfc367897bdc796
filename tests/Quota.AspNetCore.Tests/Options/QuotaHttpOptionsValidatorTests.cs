using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Quota.AspNetCore.Tests.Support;

namespace Quota.AspNetCore.Tests.Options;

/// <summary>HTTP settings set in code are validated with the rest: start-up fails naming the setting's path and value.</summary>
public sealed class QuotaHttpOptionsValidatorTests
{
    private static Task<QuotaTestHost> HostAsync(Action<QuotaHttpPolicyOptions> http) => QuotaTestHost.StartAsync(
        quota => quota.AddPolicy("hello", p =>
        {
            p.Period = "monthly";
            p.Allowances["requests"] = 1;
            http(p.Http());
        }),
        endpoints => endpoints.MapGet("/hello", () => "hello").RequireQuota("hello"));

    [Theory]
    [InlineData("200-")]
    [InlineData("abc")]
    [InlineData("600")]
    public async Task A_malformed_status_range_stops_start_up_naming_the_path_and_the_value(string ranges)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostAsync(http => http.QuotaOnStatusCodes = ranges));
        Assert.Contains($"Quota:Policies:hello:QuotaOnStatusCodes is '{ranges}', in which '{ranges}' is not a status code or range", error.Message, StringComparison.Ordinal);
        Assert.Contains("'200-299, 304'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuotaBy_function_without_SubjectFromRequest_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostAsync(http => http.QuotaBy = QuotaBy.Function));
        Assert.Contains("Quota:Policies:hello:QuotaBy is 'Function' but no SubjectFromRequest is set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubjectFromRequest_under_QuotaBy_user_stops_start_up_rather_than_being_ignored()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => HostAsync(http => http.SubjectFromRequest = _ => ValueTask.FromResult<QuotaSubject?>(new QuotaSubject("x"))));
        Assert.Contains("Quota:Policies:hello:QuotaBy is 'User', so the SubjectFromRequest set in code would never be called", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var options = new QuotaOptions();
        options.Http().GlobalPolicy = " ";
        options.Policies["a"] = new QuotaPolicyOptions();
        options.Policies["a"].Http().QuotaOnStatusCodes = "abc";
        options.Policies["b"] = new QuotaPolicyOptions();
        options.Policies["b"].Http().QuotaBy = (QuotaBy)7;

        var errors = QuotaHttpOptionsValidator.Collect(options);
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Quota:GlobalPolicy is blank", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Quota:Policies:a:QuotaOnStatusCodes is 'abc'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Quota:Policies:b:QuotaBy is '7', which is not a way to identify callers", StringComparison.Ordinal));
    }
}
