using System.Globalization;
using Microsoft.Extensions.Options;

namespace Quota.PluginSdk;

/// <summary>Validates <see cref="UsageClientOptions"/> in one pass, naming each setting and what to write instead.</summary>
internal sealed class UsageClientOptionsValidator : IValidateOptions<UsageClientOptions>
{
    public ValidateOptionsResult Validate(string? name, UsageClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws one <see cref="OptionsValidationException"/> listing every problem, if there is any.</summary>
    public static void ThrowIfInvalid(UsageClientOptions options)
    {
        var errors = Collect(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(UsageClientOptions), errors);
        }
    }

    internal static List<string> Collect(UsageClientOptions options)
    {
        var errors = new List<string>();
        void Add(FormattableString message) => errors.Add(message.ToString(CultureInfo.InvariantCulture));

        // Each value CloudQuery's Go client gives a meaning is accepted (the options' docs say what it does); the
        // messages name the Go equivalent of what they refuse.
        if (options.BatchLimit < 0)
        {
            Add($"UsageClientOptions.BatchLimit is {options.BatchLimit}. Write 0 (send every increase, as Go's WithBatchLimit(0)) or more rows, e.g. 1000; Go's WithBatchLimit takes a uint32, so no limit is negative.");
        }

        if (options.MinTimeBetweenFlushes < TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MinTimeBetweenFlushes is {options.MinTimeBetweenFlushes}. Write 00:00:00 for no minimum (Go: WithMinTimeBetweenFlushes(0)) or more, e.g. 00:00:10.");
        }

        if (options.MaxTimeBetweenFlushes <= TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MaxTimeBetweenFlushes is {options.MaxTimeBetweenFlushes}. Write a positive time, e.g. 00:00:30, or TimeSpan.MaxValue to flush only full batches and on close; Go's WithMaxTimeBetweenFlushes panics on a time that is not positive.");
        }

        if (options.MaxRetries < 0)
        {
            Add($"UsageClientOptions.MaxRetries is {options.MaxRetries}. Write 0 for no retries, or more, e.g. 5 (Go's WithMaxRetries ignores values below 1 and keeps 5).");
        }

        if (options.MinWaitTime < TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MinWaitTime is {options.MinWaitTime}. Write 00:00:00 (retry at once) or more, e.g. 00:00:01, the RetryWaitMin of Go's HTTP client, which has no option for it.");
        }

        if (options.MaxWaitTime < TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MaxWaitTime is {options.MaxWaitTime}. Write 00:00:00 (retry at once) or more, e.g. 00:01:00 (Go: WithMaxWaitTime(60 * time.Second)).");
        }

        if (options.QuotaQueryInterval is { } interval && interval <= TimeSpan.Zero)
        {
            Add($"UsageClientOptions.QuotaQueryInterval is {interval}. Write a positive time, e.g. 00:00:30, or leave it unset to suggest none, as CloudQuery's API does when its x-cq-query-interval header is absent or not positive.");
        }

        if (!Enum.IsDefined(options.Scope))
        {
            Add($"UsageClientOptions.Scope is {options.Scope}. Write Plugin (each plugin of a team has its own allowance, as in CloudQuery) or Team (a team's plugins share one).");
        }

        if (options.Logger is null)
        {
            errors.Add("UsageClientOptions.Logger is null. Leave it unset for no logging, or pass a logger, e.g. loggerFactory.CreateLogger(\"Quota.PluginSdk\").");
        }

        return errors;
    }
}
