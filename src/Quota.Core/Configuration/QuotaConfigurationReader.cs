using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Quota;

/// <summary>
/// Reads the Quota section into <see cref="QuotaOptions"/> by walking its keys: each key is applied, handed to the package
/// that names it (<see cref="IQuotaConfigurationContributor"/>), or refused by its path and value. Nothing is skipped
/// silently, and no reflection is involved (the binder would drop a dictionary entry it cannot convert, and is not
/// trim-safe).
/// </summary>
/// <remarks>
/// Runs once, when the options are first created at start-up; problems are kept on the options and reported by
/// <see cref="QuotaOptionsValidator"/> together with every other problem.
/// </remarks>
internal sealed partial class QuotaConfigurationReader : IConfigureOptions<QuotaOptions>
{
    public const string DefaultSectionName = "Quota";

    private const string PoliciesKey = "Policies";
    private const string ExpiredCounterRetentionKey = "ExpiredCounterRetention";
    private const string MaxCachedSubjectsKey = "MaxCachedSubjects";
    private const string ClockReadIntervalKey = "ClockReadInterval";
    private const string AlertsKey = "Alerts";

    private static readonly string[] CoreSectionKeys = [PoliciesKey, ExpiredCounterRetentionKey, MaxCachedSubjectsKey, ClockReadIntervalKey, AlertsKey];

    private readonly IConfiguration _section;
    private readonly IQuotaConfigurationContributor[] _contributors;
    private readonly HashSet<string> _claimed;

    public QuotaConfigurationReader(IConfiguration section, IEnumerable<IQuotaConfigurationContributor> contributors, IEnumerable<QuotaClaimedSection> claims)
    {
        _section = section;
        _contributors = contributors.ToArray();
        _claimed = new HashSet<string>(claims.Select(c => c.Path), StringComparer.OrdinalIgnoreCase);
    }

    public void Configure(QuotaOptions options)
    {
        options.ReadFromConfiguration = true;
        options.ConfigurationPath = _section is IConfigurationSection section ? section.Path : string.Empty;
        foreach (var child in _section.GetChildren())
        {
            ReadSectionKey(new QuotaConfigurationSetting(child, options, policyName: null, policy: null));
        }
    }

    private void ReadSectionKey(QuotaConfigurationSetting setting)
    {
        var key = setting.Section.Key;
        var options = setting.Options;
        if (Is(key, PoliciesKey))
        {
            ReadPolicies(setting);
        }
        else if (Is(key, ExpiredCounterRetentionKey))
        {
            if (setting.TryReadTimeSpan(out var retention, "'01:00:00'"))
            {
                options.ExpiredCounterRetention = retention;
            }
        }
        else if (Is(key, MaxCachedSubjectsKey))
        {
            // Zero or less is the validator's to explain; only a number no int holds is refused here (it was clamped before).
            if (setting.TryReadInteger(out long max, "100000") && max is >= int.MinValue and <= int.MaxValue)
            {
                options.MaxCachedSubjects = (int)max;
            }
            else if (max is > int.MaxValue or < int.MinValue)
            {
                setting.Refuse("which is out of range. Write a positive whole number of at most 2147483647, e.g. 100000.");
            }
        }
        else if (Is(key, ClockReadIntervalKey))
        {
            if (setting.TryReadTimeSpan(out var interval, "'00:00:01'"))
            {
                options.ClockReadInterval = interval;
            }
        }
        else if (Is(key, AlertsKey))
        {
            ReadAlerts(setting);
        }
        else if (_contributors.FirstOrDefault(c => c.SectionKeys.Contains(key, StringComparer.OrdinalIgnoreCase)) is { } contributor)
        {
            contributor.Apply(setting);
        }
        else if (!_claimed.Contains(setting.Path))
        {
            var known = CoreSectionKeys.Concat(_contributors.SelectMany(c => c.SectionKeys)).ToList();
            setting.Refuse(ConfigurationHints.ForSectionKey(setting.Section)
                ?? (ConfigurationText.Closest(key, known) is null ? ConfigurationHints.ForUnreadSection(setting.Section) : null)
                ?? Unknown("a Quota setting", key, known));
        }
    }

    private static string Unknown(string what, string key, IEnumerable<string> known) => ConfigurationText.Unknown(what, key, known);

    private static bool Is(string key, string name) => string.Equals(key, name, StringComparison.OrdinalIgnoreCase);
}
