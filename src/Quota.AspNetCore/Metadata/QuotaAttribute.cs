namespace Quota.AspNetCore;

/// <summary>
/// Counts requests to a controller or action against a quota policy. Repeat it for several policies (say
/// <c>[Quota("completions-daily")]</c> and <c>[Quota("completions-monthly")]</c>): every one must allow the request, and a
/// refusal by one gives back what the others reserved. Minimal APIs write <c>.RequireQuota("policy")</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class QuotaAttribute : Attribute
{
    /// <summary>Initializes the attribute.</summary>
    /// <param name="policy">The policy's name, as configured with <c>services.AddQuota()</c> or under <c>Quota:Policies</c>.</param>
    public QuotaAttribute(string policy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        Policy = policy;
    }

    /// <summary>Gets the policy's name.</summary>
    public string Policy { get; }
}
