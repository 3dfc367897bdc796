using Microsoft.AspNetCore.Authentication;

namespace Quota.Samples.WebApi;

/// <summary>The API keys the sample accepts: key → user, bound from the <c>ApiKeys</c> section of appsettings.json.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);
}
