using Microsoft.Extensions.Options;

namespace Quota.AspNetCore;

/// <summary>Every configured policy as the middleware runs it, checked once at start-up against Quota.Core's policies.</summary>
internal sealed class HttpPolicies
{
    private readonly Dictionary<string, HttpPolicy> _byName;

    private HttpPolicies(Dictionary<string, HttpPolicy> byName, HttpPolicy? global)
    {
        _byName = byName;
        Global = global;
    }

    /// <summary>Gets the policy that covers every request, if any.</summary>
    public HttpPolicy? Global { get; }

    /// <summary>
    /// Builds the policies, refusing with every problem listed: HTTP settings or a global policy naming a policy Quota.Core
    /// does not have, a <see cref="QuotaHttpPolicyOptions.GetAnchorDate"/> on a policy whose anchor mode is not <c>Function</c>.
    /// </summary>
    public static HttpPolicies Create(IQuotaService quota, QuotaHttpOptions options)
    {
        var errors = QuotaHttpOptionsValidator.Collect(options);
        var byName = new Dictionary<string, HttpPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var policy in quota.Policies)
        {
            options.Policies.TryGetValue(policy.Name, out var http);
            if (errors.Count == 0)
            {
                byName[policy.Name] = new HttpPolicy(policy, http);
            }

            if (http?.GetAnchorDate is not null && policy.AnchorMode != QuotaAnchorMode.Function)
            {
                errors.Add($"Quota policy '{policy.Name}': GetAnchorDate is set but its anchor mode is '{policy.AnchorMode}'. Write QuotaAnchorMode 'Function' to count cycles from GetAnchorDate.");
            }
        }

        var known = Known(quota);
        foreach (var name in options.Policies.Keys)
        {
            if (!quota.Policies.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"Quota:Policies:{name} has HTTP settings but no policy is named '{name}' ({known}). Give it a Period and Allowances under Quota:Policies:{name}, or add it with AddHttpPolicy(\"{name}\", …).");
            }
        }

        HttpPolicy? global = null;
        if (!string.IsNullOrWhiteSpace(options.GlobalPolicy) && errors.Count == 0 && !byName.TryGetValue(options.GlobalPolicy.Trim(), out global))
        {
            errors.Add($"Quota:GlobalPolicy names '{options.GlobalPolicy}' but no policy has that name ({known}). Name a configured policy, or leave it out for no global policy.");
        }

        if (global is { IsEnforced: true, HeaderName: null })
        {
            errors.Add($"Quota:GlobalPolicy '{global.Name}' cannot appear in a RateLimit header: name it with printable ASCII characters only, e.g. 'api-monthly'.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(QuotaHttpOptions), errors);
        }

        return new HttpPolicies(byName, global);
    }

    /// <summary>Returns the named policy, or throws naming the endpoint and the policies that exist.</summary>
    public HttpPolicy Get(string name, string endpoint)
    {
        if (_byName.TryGetValue(name, out var policy))
        {
            return policy;
        }

        var known = _byName.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal).Select(k => $"'{k}'"));
        throw new InvalidOperationException(
            $"Endpoint '{endpoint}' requires quota policy '{name}', which does not exist ({known}). Add it under Quota:Policies:{name} in configuration or with services.AddQuota().AddPolicy(\"{name}\", …), or fix the name in RequireQuota/[Quota].");
    }

    private static string Known(IQuotaService quota)
        => quota.Policies.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", quota.Policies.Select(p => p.Name).Order(StringComparer.Ordinal).Select(k => $"'{k}'"));
}
