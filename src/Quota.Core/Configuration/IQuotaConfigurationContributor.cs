namespace Quota;

/// <summary>
/// Reads the keys of the Quota configuration section that a package other than Quota.Core defines, into the same
/// options: Quota.AspNetCore reads <c>QuotaBy</c> and <c>QuotaOnStatusCodes</c> of each policy this way. Register an
/// implementation as a singleton <see cref="IQuotaConfigurationContributor"/>; Quota.Core's reader hands it the keys it
/// names and refuses, by path, any key that no one names.
/// </summary>
public interface IQuotaConfigurationContributor
{
    /// <summary>Gets the keys this package reads directly under the section (e.g. <c>GlobalPolicy</c>); they compare ignoring case.</summary>
    IReadOnlyCollection<string> SectionKeys { get; }

    /// <summary>Gets the keys this package reads in each policy, <c>Policies:{name}:{key}</c>; they compare ignoring case.</summary>
    IReadOnlyCollection<string> PolicyKeys { get; }

    /// <summary>
    /// Applies one of this package's keys to <see cref="QuotaConfigurationSetting.Options"/> (or to
    /// <see cref="QuotaConfigurationSetting.Policy"/>), or refuses its value with <see cref="QuotaConfigurationKey.Refuse"/>.
    /// </summary>
    /// <param name="setting">The key, its value and where it goes.</param>
    void Apply(QuotaConfigurationSetting setting);
}
