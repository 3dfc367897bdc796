using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace Quota.AspNetCore;

/// <summary>
/// Which policies cover each endpoint, worked out once per endpoint from its metadata: the global policy (if any), then
/// every <see cref="QuotaAttribute"/> in metadata order, each once; none at all with <see cref="DisableQuotaAttribute"/>.
/// </summary>
internal sealed class EndpointPlans
{
    private readonly ConditionalWeakTable<Endpoint, HttpPolicy[]> _plans = [];
    private readonly ConditionalWeakTable<Endpoint, HttpPolicy[]>.CreateValueCallback _compile;
    private readonly HttpPolicies _policies;
    private readonly HttpPolicy[] _globalOnly;

    public EndpointPlans(HttpPolicies policies)
    {
        _policies = policies;
        _globalOnly = policies.Global is { } global ? [global] : [];
        _compile = Compile;
    }

    /// <summary>Returns the policies that cover a request to <paramref name="endpoint"/> (only the global one when no endpoint matched).</summary>
    public HttpPolicy[] For(Endpoint? endpoint)
        => endpoint is null ? _globalOnly : _plans.GetValue(endpoint, _compile);

    private HttpPolicy[] Compile(Endpoint endpoint)
    {
        var metadata = endpoint.Metadata;
        if (metadata.GetMetadata<DisableQuotaAttribute>() is not null)
        {
            return [];
        }

        var attributes = metadata.GetOrderedMetadata<QuotaAttribute>();
        if (attributes.Count == 0)
        {
            return _globalOnly;
        }

        var plan = new List<HttpPolicy>(_globalOnly);
        foreach (var attribute in attributes)
        {
            var policy = _policies.Get(attribute.Policy, endpoint.DisplayName ?? endpoint.ToString() ?? "(unnamed)");
            if (!plan.Contains(policy))
            {
                plan.Add(policy);
            }
        }

        foreach (var policy in plan)
        {
            if (policy.IsEnforced && policy.HeaderName is null)
            {
                throw new InvalidOperationException(
                    $"Quota policy name '{policy.Name}' cannot appear in a RateLimit header: use printable ASCII characters only, e.g. 'api-monthly'.");
            }
        }

        return plan.ToArray();
    }
}
