using Microsoft.Extensions.Options;
using Quota.PluginSdk;
using Quota.Tests.Support;

namespace Quota.Tests.Usage;

/// <summary>Option values: each one CloudQuery's Go client gives a meaning is accepted; the rest are refused, all together.</summary>
public sealed class UsageClientOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_CloudQuerys()
    {
        var options = new UsageClientOptions();

        Assert.Equal(1000, options.BatchLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MinTimeBetweenFlushes);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxTimeBetweenFlushes);
        Assert.Equal(5, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(60), options.MaxWaitTime);
        Assert.Empty(UsageClientOptionsValidator.Collect(options));
    }

    public static TheoryData<string, UsageClientOptions> MeaningfulValues => new()
    {
        { "WithBatchLimit(0): every increase is sent", new UsageClientOptions { BatchLimit = 0 } },
        { "WithMaxWaitTime below the first wait: every wait is the cap", new UsageClientOptions { MaxWaitTime = TimeSpan.FromMilliseconds(200) } },
        { "a cap below an explicit first wait", new UsageClientOptions { MinWaitTime = TimeSpan.FromSeconds(2), MaxWaitTime = TimeSpan.FromSeconds(1) } },
        { "WithMaxWaitTime(0): retry at once", new UsageClientOptions { MaxWaitTime = TimeSpan.Zero } },
        { "a first wait of 0: retry at once", new UsageClientOptions { MinWaitTime = TimeSpan.Zero } },
        { "WithMaxTimeBetweenFlushes below the minimum: the minimum wins", new UsageClientOptions { MinTimeBetweenFlushes = TimeSpan.FromSeconds(40), MaxTimeBetweenFlushes = TimeSpan.FromSeconds(30) } },
        { "WithMinTimeBetweenFlushes(0): no minimum", new UsageClientOptions { MinTimeBetweenFlushes = TimeSpan.Zero } },
        { "WithMaxRetries above 100", new UsageClientOptions { MaxRetries = 1000 } },
        { "no retries", new UsageClientOptions { MaxRetries = 0 } },
    };

    [Theory]
    [MemberData(nameof(MeaningfulValues))]
    public async Task A_value_Go_gives_a_meaning_is_accepted(string meaning, UsageClientOptions options)
    {
        Assert.True(UsageClientOptionsValidator.Collect(options) is [], meaning);
        await using var host = QuotaHost.Create();
        var client = host.CreateClient(options);
        client.Increase(3);
        await host.Time.RunUntilAsync(client.CloseAsync());
        Assert.Equal(3, await host.RecordedAsync());
    }

    [Fact]
    public async Task Values_without_a_meaning_are_all_refused_together_naming_the_option_and_its_Go_equivalent()
    {
        await using var host = QuotaHost.Create();
        var options = new UsageClientOptions
        {
            BatchLimit = -1,
            MinTimeBetweenFlushes = TimeSpan.FromSeconds(-1),
            MaxTimeBetweenFlushes = TimeSpan.Zero,
            MaxRetries = -1,
            MinWaitTime = TimeSpan.FromSeconds(-1),
            MaxWaitTime = TimeSpan.FromSeconds(-1),
            QuotaQueryInterval = TimeSpan.Zero,
        };

        var error = Assert.Throws<OptionsValidationException>(() => host.CreateClient(options));

        string[][] expected =
        [
            ["UsageClientOptions.BatchLimit is -1", "WithBatchLimit"],
            ["UsageClientOptions.MinTimeBetweenFlushes is -00:00:01", "WithMinTimeBetweenFlushes"],
            ["UsageClientOptions.MaxTimeBetweenFlushes is 00:00:00", "WithMaxTimeBetweenFlushes"],
            ["UsageClientOptions.MaxRetries is -1", "WithMaxRetries"],
            ["UsageClientOptions.MinWaitTime is -00:00:01", "RetryWaitMin"],
            ["UsageClientOptions.MaxWaitTime is -00:00:01", "WithMaxWaitTime"],
            ["UsageClientOptions.QuotaQueryInterval is 00:00:00", "x-cq-query-interval"],
        ];
        Assert.Equal(expected.Length, error.Failures.Count());
        foreach (var parts in expected)
        {
            Assert.Contains(error.Failures, f => parts.All(part => f.Contains(part, StringComparison.Ordinal)));
        }
    }
}
