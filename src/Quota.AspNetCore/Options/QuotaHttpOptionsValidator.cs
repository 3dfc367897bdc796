using Microsoft.Extensions.Options;

namespace Quota.AspNetCore;

/// <summary>
/// Validates the HTTP settings of every policy, with Quota.Core's validation of the same options, so that one start-up
/// failure lists every problem, each naming the setting's path, the value and what to write instead.
/// </summary>
internal sealed class QuotaHttpOptionsValidator : IValidateOptions<QuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> Collect(QuotaOptions options)
    {
        var errors = new List<string>();
        CollectGlobal(options, errors);
        foreach (var (policyName, policy) in options.Policies)
        {
            if (policy is null)
            {
                continue;
            }

            string Path(string setting) => options.PathOf("Policies", policyName, setting);
            var http = policy.Http();
            if (!StatusCodeRanges.TryParse(http.QuotaOnStatusCodes, out _, out var rangeError))
            {
                errors.Add($"{Path("QuotaOnStatusCodes")} is '{http.QuotaOnStatusCodes}', {rangeError}");
            }

            if (!Enum.IsDefined(http.QuotaBy))
            {
                errors.Add($"{Path("QuotaBy")} is '{http.QuotaBy}', which is not a way to identify callers. Write User or Function.");
            }
            else if (http.QuotaBy == QuotaBy.Function && http.SubjectFromRequest is null)
            {
                errors.Add($"{Path("QuotaBy")} is 'Function' but no SubjectFromRequest is set. Set it in code: AddPolicy(\"{policyName}\", p => p.Http().SubjectFromRequest = context => …), or write User.");
            }
            else if (http.QuotaBy == QuotaBy.User && http.SubjectFromRequest is not null)
            {
                errors.Add($"{Path("QuotaBy")} is 'User', so the SubjectFromRequest set in code would never be called. Write Function to count callers as it says, or remove it.");
            }
        }

        return errors;
    }

    private static void CollectGlobal(QuotaOptions options, List<string> errors)
    {
        var global = options.Http().GlobalPolicy;
        if (global is null)
        {
            return;
        }

        var path = options.PathOf("GlobalPolicy");
        if (string.IsNullOrWhiteSpace(global))
        {
            errors.Add($"{path} is blank. Name a configured policy, or leave it out for no global policy.");
        }
        else if (!options.Policies.TryGetValue(global.Trim(), out _))
        {
            var known = options.Policies.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", options.Policies.Keys.Order(StringComparer.Ordinal).Select(k => $"'{k}'"));
            errors.Add($"{path} is '{global}', but no policy has that name ({known}). Name a configured policy, or leave it out for no global policy.");
        }
        else if (options.Policies[global.Trim()]?.Enforcement == QuotaEnforcement.Enforce && RateLimitHeaders.TryQuote(global.Trim()) is null)
        {
            errors.Add($"{path} is '{global}', a name that cannot appear in a RateLimit header. Name the policy with printable ASCII characters only, e.g. 'api-monthly'.");
        }
    }
}
