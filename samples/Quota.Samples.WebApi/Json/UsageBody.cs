namespace Quota.Samples.WebApi.Json;

/// <summary>The answer of <c>GET /usage</c>: the caller and its usage of every policy, by policy name.</summary>
public sealed record UsageBody(string? User, IReadOnlyDictionary<string, PolicyUsageBody> Policies);
