using System.Globalization;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Quota;

/// <summary>Validates every policy in one pass and reports every problem, each naming the policy, the setting and what to write instead.</summary>
internal sealed class QuotaOptionsValidator : IValidateOptions<QuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Collect(QuotaOptions options)
    {
        var errors = new List<string>();
        if (options.ExpiredCounterRetention < TimeSpan.Zero)
        {
            errors.Add($"Quota:ExpiredCounterRetention is negative ({options.ExpiredCounterRetention}). Write zero or more, e.g. '01:00:00'.");
        }

        if (options.MaxCachedSubjects < 1)
        {
            errors.Add($"Quota:MaxCachedSubjects is {options.MaxCachedSubjects}. Write a positive number, e.g. 100000.");
        }

        if (options.ClockReadInterval < TimeSpan.Zero || options.ClockReadInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"Quota:ClockReadInterval is {options.ClockReadInterval}. Write a time from '00:00:00' (read the clock on every call) to '00:01:00', e.g. '00:00:01'.");
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            var where = $"Quota policy '{policyName}'";
            if (string.IsNullOrWhiteSpace(policyName))
            {
                errors.Add("A quota policy has an empty name. Name every policy, e.g. 'api-monthly'.");
            }

            if (policy is null)
            {
                errors.Add($"{where} has no settings. Set at least its Period, e.g. 'monthly'.");
                continue;
            }

            if (!QuotaPeriod.TryParse(policy.Period, out _, out var periodError))
            {
                errors.Add($"{where}: Period: {periodError}");
            }

            foreach (var (meter, limit) in policy.Allowances)
            {
                if (string.IsNullOrWhiteSpace(meter))
                {
                    errors.Add($"{where}: Allowances has a meter with an empty name. Name it, e.g. 'requests'.");
                }
                else if (limit < 0)
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: Allowances:{meter} is {limit}. Write zero or more (0 refuses everything); leave the meter out to count it without a limit."));
                }
            }

            if (string.IsNullOrWhiteSpace(policy.TimeZone) || DateTimeZoneProviders.Tzdb.GetZoneOrNull(policy.TimeZone.Trim()) is null)
            {
                errors.Add($"{where}: TimeZone '{policy.TimeZone}' is not an IANA time zone id. Write one such as 'UTC', 'Europe/Berlin' or 'America/New_York'.");
            }

            if (!Enum.IsDefined(policy.AnchorMode))
            {
                errors.Add($"{where}: AnchorMode '{policy.AnchorMode}' is unknown. Write 'FirstUse' (or 'FirstApiCall'), 'Function' or 'Calendar'.");
            }
            else if (policy.AnchorMode == QuotaAnchorMode.Function && policy.AnchorProvider is null)
            {
                errors.Add($"{where}: AnchorMode is 'Function' but no AnchorProvider is set. Set AnchorProvider in code (e.g. the subscription start), or use 'FirstUse' or 'Calendar'.");
            }

            if (!Enum.IsDefined(policy.Enforcement))
            {
                errors.Add($"{where}: Enforcement '{policy.Enforcement}' is unknown. Write 'Enforce' or 'Shadow'.");
            }

            if (!Enum.IsDefined(policy.FailureMode))
            {
                errors.Add($"{where}: FailureMode '{policy.FailureMode}' is unknown. Write 'FailClosed' or 'FailOpen'.");
            }

            if (policy.StoreTimeout <= TimeSpan.Zero || policy.StoreTimeout > TimeSpan.FromMinutes(5))
            {
                errors.Add($"{where}: StoreTimeout {policy.StoreTimeout} is out of range. Write a positive time of at most 5 minutes, e.g. '00:00:01'.");
            }

            if (policy.SubjectCacheDuration < TimeSpan.Zero)
            {
                errors.Add($"{where}: SubjectCacheDuration {policy.SubjectCacheDuration} is negative. Write zero or more, e.g. '00:01:00'.");
            }
        }

        return errors;
    }
}
