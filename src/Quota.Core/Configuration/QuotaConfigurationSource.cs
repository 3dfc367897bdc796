using Microsoft.Extensions.Configuration;

namespace Quota;

/// <summary>The one configuration section given to <c>AddQuota</c>, registered so that a second, different one is refused.</summary>
/// <param name="Section">The section.</param>
internal sealed record QuotaConfigurationSource(IConfiguration Section)
{
    public string Path => Section is IConfigurationSection section ? section.Path : string.Empty;
}
