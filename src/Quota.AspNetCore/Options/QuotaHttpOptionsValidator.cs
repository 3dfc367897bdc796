using Microsoft.Extensions.Options;

namespace Quota.AspNetCore;

/// <summary>
/// Validates the HTTP half of every policy in one pass; a bad value stops start-up with a message naming the policy, the
/// setting and what to write instead.
/// </summary>
internal sealed class QuotaHttpOptionsValidator : IValidateOptions<QuotaHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaHttpOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Collect(QuotaHttpOptions options)
    {
        var errors = new List<string>();
        if (options.GlobalPolicy is { } global && string.IsNullOrWhiteSpace(global))
        {
            errors.Add("Quota:GlobalPolicy is blank. Name a configured policy, or leave it out for no global policy.");
        }

        foreach (var (policyName, policy) in options.Policies)
        {
            var where = $"Quota policy '{policyName}'";
            if (policy is null)
            {
                continue;
            }

            if (!StatusCodeRanges.TryParse(policy.QuotaOnStatusCodes, out _, out var rangeError))
            {
                errors.Add($"{where}: QuotaOnStatusCodes '{policy.QuotaOnStatusCodes}' {rangeError}");
            }

            if (!Enum.IsDefined(policy.QuotaBy))
            {
                errors.Add($"{where}: QuotaBy '{policy.QuotaBy}' is unknown. Write 'User' or 'Function'.");
            }
            else if (policy.QuotaBy == QuotaBy.Function && policy.GetQuotaDetail is null)
            {
                errors.Add($"{where}: QuotaBy is 'Function' but no GetQuotaDetail is set. Set GetQuotaDetail in code (with AddHttpPolicy or ConfigureHttpPolicy), or write QuotaBy 'User'.");
            }

            if (policy.QuotaAnchorMode is { } mode && !Enum.IsDefined(mode))
            {
                errors.Add($"{where}: QuotaAnchorMode '{mode}' is unknown. Write 'FirstApiCall', 'Function' or 'Calendar'.");
            }
            else if (policy.GetAnchorDate is not null && policy.QuotaAnchorMode is { } set && set != QuotaAnchorMode.Function)
            {
                errors.Add($"{where}: GetAnchorDate is set but QuotaAnchorMode is '{set}'. Write QuotaAnchorMode 'Function' to count cycles from GetAnchorDate.");
            }
        }

        return errors;
    }
}
