using Microsoft.AspNetCore.Authentication;

namespace Quota.Samples.WebApi;

/// <summary>
/// The API keys the sample accepts: key → user, bound from the <c>ApiKeys</c> section of appsettings.json; and the users
/// who are quota admins (the <c>Admins</c> section), who may use the admin API and dashboard.
/// </summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Admins { get; } = new(StringComparer.Ordinal);

    /// <summary>The user the key belongs to, or null.</summary>
    public string? UserOf(string key) => Keys.TryGetValue(key, out var user) ? user : null;
}
