using Quota.AspNetCore;

// In Quota.Core's namespace, beside the options they extend, so that p.Http() is found without a using.
namespace Quota;

/// <summary>Quota.AspNetCore's part of the one options model: the HTTP settings of a policy, and those that cover every policy.</summary>
public static class QuotaHttpOptionsExtensions
{
    /// <summary>Gets the policy's HTTP settings (<c>QuotaBy</c>, <c>QuotaOnStatusCodes</c>, <c>SubjectFromRequest</c>).</summary>
    /// <param name="policy">The policy's options, e.g. in <c>AddPolicy("api", p => p.Http().QuotaBy = QuotaBy.Function)</c>.</param>
    /// <returns>The settings, with their defaults until set.</returns>
    public static QuotaHttpPolicyOptions Http(this QuotaPolicyOptions policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Settings<QuotaHttpPolicyOptions>();
    }

    /// <summary>Gets the middleware's settings that cover every policy (<c>GlobalPolicy</c>, <c>OnRejected</c>).</summary>
    /// <param name="options">Quota's options.</param>
    /// <returns>The settings, with their defaults until set.</returns>
    public static QuotaHttpOptions Http(this QuotaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Settings<QuotaHttpOptions>();
    }
}
