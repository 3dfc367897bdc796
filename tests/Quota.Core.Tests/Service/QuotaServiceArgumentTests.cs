using NodaTime.Testing;
using static Quota.Tests.Service.ServiceFactory;

namespace Quota.Tests.Service;

public sealed class QuotaServiceArgumentTests
{
    private readonly IQuotaService _quota = Create(FakeClock.FromUtc(2026, 1, 1), q => q
        .AddPolicy("api", p => { p.Period = "monthly"; p.Allowances["requests"] = 10; })
        .AddPolicy("daily", QuotaPeriod.Daily, ("requests", 5)));

    [Fact]
    public async Task Unknown_policies_are_refused_naming_those_that_exist()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await _quota.TryConsumeAsync("nope", "alice"));

        Assert.Contains("'nope'", error.Message);
        Assert.Contains("'api'", error.Message);
        Assert.Contains("'daily'", error.Message);
        Assert.Contains("AddPolicy", error.Message);
    }

    [Fact]
    public async Task Policy_names_ignore_case()
    {
        Assert.True((await _quota.TryConsumeAsync("API", "alice")).IsAllowed);
        Assert.Equal("api", _quota.GetPolicy("Api").Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task Empty_keys_are_refused(string? key)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await _quota.TryConsumeAsync("api", key!));
        Assert.Contains("subject key", error.Message);
    }

    [Fact]
    public async Task Negative_and_empty_amounts_are_refused_and_nothing_is_counted()
    {
        await _quota.TryConsumeAsync("api", "alice");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await _quota.TryConsumeAsync("api", "alice", Amounts(("requests", -1))));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _quota.TryConsumeAsync("api", "alice", Amounts()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await _quota.RecordAsync("api", "alice", Amounts(("tokens", -5))));

        Assert.Equal(1, (await _quota.GetUsageAsync("api", "alice")).Meters["requests"]);
    }

    [Fact]
    public async Task An_empty_idempotency_id_is_refused_before_anything_is_stored()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await _quota.RecordAsync("api", "newcomer", Amounts(("tokens", 5)), idempotencyId: ""));

        Assert.Equal("idempotencyId", error.ParamName);
        Assert.Contains("or null", error.Message);
        var usage = await _quota.GetUsageAsync("api", "newcomer");
        Assert.False(usage.Meters.ContainsKey("tokens"));
        Assert.True(await _quota.RecordAsync("api", "newcomer", Amounts(("tokens", 5)), idempotencyId: null));
    }

    [Fact]
    public async Task Subject_allowances_are_checked()
    {
        var subject = new QuotaSubject("alice", new Dictionary<string, long> { ["requests"] = -1 });

        await Assert.ThrowsAsync<ArgumentException>(async () => await _quota.TryConsumeAsync("api", subject, null));
    }

    [Fact]
    public void Policies_are_listed()
    {
        Assert.Equal(["api", "daily"], _quota.Policies.Select(p => p.Name).Order());
        Assert.Equal(QuotaPeriod.Daily, _quota.GetPolicy("daily").Period);
        Assert.Equal(5, _quota.GetPolicy("daily").Allowances["requests"]);
    }
}
