using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Quota.AspNetCore;

/// <summary>
/// Which policies cover each endpoint, worked out once per endpoint from its metadata: the global policy (if any), then
/// every <see cref="QuotaAttribute"/> in metadata order, each once; none at all with <see cref="DisableQuotaAttribute"/>.
/// </summary>
/// <remarks>
/// Plans live in a <see cref="ConditionalWeakTable{TKey, TValue}"/> keyed by endpoint. In front of it, a small table of
/// recently used plans indexed by the endpoint's identity hash answers the common request with one array read and one
/// reference comparison; a miss (a new endpoint, or two hot endpoints in the same slot) falls back to the weak table. The
/// recent table keeps at most <see cref="RecentSlots"/> endpoints alive after their data source replaced them.
/// </remarks>
internal sealed class EndpointPlans
{
    /// <summary>The number of recently used plans kept (a power of two).</summary>
    internal const int RecentSlots = 64;

    private readonly ConditionalWeakTable<Endpoint, Plan> _plans = [];
    private readonly ConditionalWeakTable<Endpoint, Plan>.CreateValueCallback _compile;
    private readonly Plan?[] _recent = new Plan?[RecentSlots];
    private readonly HttpPolicies _policies;
    private readonly HttpPolicy[] _globalOnly;

    public EndpointPlans(HttpPolicies policies)
    {
        _policies = policies;
        _globalOnly = policies.Global is { } global ? [global] : [];
        _compile = endpoint => new Plan(endpoint, Compile(endpoint));
    }

    /// <summary>Returns the policies that cover a request to <paramref name="endpoint"/> (only the global one when no endpoint matched).</summary>
    public HttpPolicy[] For(Endpoint? endpoint)
    {
        if (endpoint is null)
        {
            return _globalOnly;
        }

        ref var slot = ref _recent[RuntimeHelpers.GetHashCode(endpoint) & (RecentSlots - 1)];
        var recent = Volatile.Read(ref slot);
        if (recent is not null && ReferenceEquals(recent.Endpoint, endpoint))
        {
            return recent.Policies;
        }

        var plan = _plans.GetValue(endpoint, _compile);
        Volatile.Write(ref slot, plan);
        return plan.Policies;
    }

    /// <summary>
    /// Works out the plan of every endpoint the application mapped, and refuses with every problem listed: an endpoint
    /// naming a policy that does not exist, or an enforced policy whose name cannot appear in a header. Called as the
    /// pipeline is built, once every endpoint is mapped, so a typo stops start-up instead of failing a first request.
    /// Endpoints a data source adds later are checked on their first request.
    /// </summary>
    /// <param name="endpoints">The application's endpoints, or <see langword="null"/> when it uses no routing.</param>
    /// <exception cref="InvalidOperationException">At least one endpoint's quota policies are wrong; the message lists each.</exception>
    public void Validate(EndpointDataSource? endpoints)
    {
        if (endpoints is null)
        {
            return;
        }

        var problems = new List<string>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            try
            {
                _plans.GetValue(endpoint, _compile);
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }
    }

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

    /// <summary>One endpoint's policies, with the endpoint they were worked out for.</summary>
    private sealed record Plan(Endpoint Endpoint, HttpPolicy[] Policies);
}
