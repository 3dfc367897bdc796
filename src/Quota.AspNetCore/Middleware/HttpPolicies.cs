namespace Quota.AspNetCore;

/// <summary>
/// Every configured policy as the middleware runs it: Quota.Core's validated policy with its HTTP settings, copied once
/// from the validated options when the application starts.
/// </summary>
internal sealed class HttpPolicies
{
    private readonly Dictionary<string, HttpPolicy> _byName;

    private HttpPolicies(Dictionary<string, HttpPolicy> byName, HttpPolicy? global, QuotaHttpOptions options)
    {
        _byName = byName;
        Global = global;
        OnRejected = options.OnRejected;
    }

    /// <summary>Gets the policy that covers every request, if any.</summary>
    public HttpPolicy? Global { get; }

    /// <summary>Gets the callback that runs when a request is refused.</summary>
    public Func<QuotaRejectedContext, ValueTask>? OnRejected { get; }

    /// <summary>Builds the policies from options that <see cref="QuotaHttpOptionsValidator"/> has already accepted.</summary>
    public static HttpPolicies Create(IQuotaService quota, QuotaOptions options)
    {
        var byName = new Dictionary<string, HttpPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var policy in quota.Policies)
        {
            var http = options.Policies.TryGetValue(policy.Name, out var configured) && configured is not null ? configured.Http() : new QuotaHttpPolicyOptions();
            byName[policy.Name] = new HttpPolicy(policy, http);
        }

        var settings = options.Http();
        HttpPolicy? global = null;
        if (!string.IsNullOrWhiteSpace(settings.GlobalPolicy) && !byName.TryGetValue(settings.GlobalPolicy.Trim(), out global))
        {
            // The validator refuses this at start-up; only options built without it get here.
            throw new InvalidOperationException($"{options.PathOf("GlobalPolicy")} names '{settings.GlobalPolicy}', but no policy has that name.");
        }

        return new HttpPolicies(byName, global, settings);
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

    /// <summary>Returns the named policy, or <see langword="null"/>.</summary>
    public HttpPolicy? Find(string name) => _byName.GetValueOrDefault(name);
}
