using Quota.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Attaches quota policies to endpoints and route groups.</summary>
public static class QuotaEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Counts requests to the endpoint against every named policy: all must allow the request, and a refusal by one gives
    /// back what the others reserved.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="policies">One or more policy names, e.g. <c>"completions-daily", "completions-monthly"</c>.</param>
    /// <returns>The builder.</returns>
    public static TBuilder RequireQuota<TBuilder>(this TBuilder builder, params string[] policies)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policies);
        if (policies.Length == 0)
        {
            throw new ArgumentException("Name at least one quota policy, e.g. .RequireQuota(\"api-monthly\").", nameof(policies));
        }

        var attributes = new QuotaAttribute[policies.Length];
        for (var i = 0; i < policies.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(policies[i]))
            {
                throw new ArgumentException($"Quota policy name {i} is empty. Name a configured policy, e.g. \"api-monthly\".", nameof(policies));
            }

            attributes[i] = new QuotaAttribute(policies[i]);
        }

        builder.Add(endpoint =>
        {
            foreach (var attribute in attributes)
            {
                endpoint.Metadata.Add(attribute);
            }
        });
        return builder;
    }

    /// <summary>Exempts the endpoint from every quota policy, the global one included.</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static TBuilder DisableQuota<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(DisableQuotaAttribute.Instance));
        return builder;
    }
}
