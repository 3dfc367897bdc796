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

        if (options.BatchLimit < 1)
        {
            Add($"UsageClientOptions.BatchLimit is {options.BatchLimit}. Write 1 or more rows, e.g. 1000.");
        }

        if (options.MinTimeBetweenFlushes < TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MinTimeBetweenFlushes is negative ({options.MinTimeBetweenFlushes}). Write zero or more, e.g. 00:00:10.");
        }

        if (options.MaxTimeBetweenFlushes <= TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MaxTimeBetweenFlushes is {options.MaxTimeBetweenFlushes}. Write a positive time, e.g. 00:00:30.");
        }
        else if (options.MaxTimeBetweenFlushes < options.MinTimeBetweenFlushes)
        {
            Add($"UsageClientOptions.MaxTimeBetweenFlushes ({options.MaxTimeBetweenFlushes}) is less than MinTimeBetweenFlushes ({options.MinTimeBetweenFlushes}). Write a maximum at least as long as the minimum.");
        }

        if (options.MaxRetries is < 0 or > 100)
        {
            Add($"UsageClientOptions.MaxRetries is {options.MaxRetries}. Write 0 (no retries) to 100, e.g. 5.");
        }

        if (options.MinWaitTime <= TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MinWaitTime is {options.MinWaitTime}. Write a positive time, e.g. 00:00:01.");
        }

        if (options.MaxWaitTime <= TimeSpan.Zero)
        {
            Add($"UsageClientOptions.MaxWaitTime is {options.MaxWaitTime}. Write a positive time, e.g. 00:01:00.");
        }
        else if (options.MaxWaitTime < options.MinWaitTime)
        {
            Add($"UsageClientOptions.MaxWaitTime ({options.MaxWaitTime}) is less than MinWaitTime ({options.MinWaitTime}). Write a cap at least as long as the first wait.");
        }

        if (options.QuotaQueryInterval is { } interval && interval <= TimeSpan.Zero)
        {
            Add($"UsageClientOptions.QuotaQueryInterval is {interval}. Write a positive time, e.g. 00:00:30, or leave it unset.");
        }

        if (options.Logger is null)
        {
            errors.Add("UsageClientOptions.Logger is null. Leave it unset for no logging, or pass a logger, e.g. loggerFactory.CreateLogger(\"Quota.PluginSdk\").");
        }

        return errors;
    }
}
