using Microsoft.Extensions.Configuration;

namespace Quota;

/// <summary>
/// One key of the Quota configuration section as the reader hands it to its owner: the key, its value (or children), the
/// options it applies to, and the one way to refuse it so that start-up fails naming its path and value.
/// </summary>
public sealed class QuotaConfigurationSetting : QuotaConfigurationKey
{
    internal QuotaConfigurationSetting(IConfigurationSection section, QuotaOptions options, string? policyName, QuotaPolicyOptions? policy)
        : base(section, options.ConfigurationProblems)
    {
        Options = options;
        PolicyName = policyName;
        Policy = policy;
    }

    /// <summary>Gets the options being read.</summary>
    public QuotaOptions Options { get; }

    /// <summary>Gets the name of the policy the key belongs to, or <see langword="null"/> for a key directly under the section.</summary>
    public string? PolicyName { get; }

    /// <summary>Gets the policy the key belongs to, or <see langword="null"/> for a key directly under the section.</summary>
    public QuotaPolicyOptions? Policy { get; }
}
