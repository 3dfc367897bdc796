using Microsoft.Extensions.Configuration;

namespace Quota;

/// <summary>Reads <c>Policies:{name}:…</c>: Quota.Core's settings of each policy, with Zuplo's words accepted as written.</summary>
internal sealed partial class QuotaConfigurationReader
{
    private const string PeriodKey = "Period";
    private const string AllowancesKey = "Allowances";
    private const string AnchorModeKey = "AnchorMode";
    private const string ZuploAnchorModeKey = "QuotaAnchorMode";
    private const string TimeZoneKey = "TimeZone";
    private const string EnforcementKey = "Enforcement";
    private const string FailureModeKey = "FailureMode";
    private const string StoreTimeoutKey = "StoreTimeout";
    private const string SubjectCacheDurationKey = "SubjectCacheDuration";
    private const string ThresholdsKey = "Thresholds";

    private static readonly string[] CorePolicyKeys =
        [PeriodKey, AllowancesKey, AnchorModeKey, TimeZoneKey, EnforcementKey, FailureModeKey, StoreTimeoutKey, SubjectCacheDurationKey, ThresholdsKey];

    private void ReadPolicies(QuotaConfigurationSetting policies)
    {
        if (!QuotaConfigurationSetting.HasChildren(policies.Section))
        {
            if (!string.IsNullOrEmpty(policies.Section.Value))
            {
                policies.Refuse("which is not a set of policies. Write each policy by name, e.g. \"Policies\": { \"api\": { \"Period\": \"monthly\", \"Allowances\": { \"requests\": 10000 } } }.");
            }

            return;
        }

        foreach (var section in policies.Section.GetChildren())
        {
            ReadPolicy(section, policies.Options);
        }
    }

    private void ReadPolicy(IConfigurationSection section, QuotaOptions options)
    {
        var name = section.Key;
        if (!QuotaConfigurationSetting.HasChildren(section) && !string.IsNullOrEmpty(section.Value))
        {
            new QuotaConfigurationSetting(section, options, name, policy: null).Refuse(
                "which is not a policy. Write its settings, e.g. { \"Period\": \"monthly\", \"Allowances\": { \"requests\": 10000 } }.");
            return;
        }

        if (!options.Policies.TryGetValue(name, out var policy) || policy is null)
        {
            policy = new QuotaPolicyOptions();
            options.Policies[name] = policy;
        }

        string? anchorModeKey = null;
        foreach (var child in section.GetChildren())
        {
            var setting = new QuotaConfigurationSetting(child, options, name, policy);
            var key = child.Key;
            if (Is(key, AnchorModeKey) || Is(key, ZuploAnchorModeKey))
            {
                if (anchorModeKey is not null)
                {
                    setting.Refuse($"but {section.Path}:{anchorModeKey} is set too. Write one of them.");
                }
                else
                {
                    anchorModeKey = key;
                    ReadAnchorMode(setting, policy);
                }
            }
            else if (!TryReadCoreSetting(setting, policy))
            {
                ReadOtherPolicySetting(setting);
            }
        }
    }

    private static bool TryReadCoreSetting(QuotaConfigurationSetting setting, QuotaPolicyOptions policy)
    {
        var key = setting.Section.Key;
        if (Is(key, PeriodKey))
        {
            // Any text is kept: the validator checks it against every accepted form and names them.
            if (setting.TryReadText(out var period, "'monthly' or 'P3M'"))
            {
                policy.Period = period;
            }
        }
        else if (Is(key, AllowancesKey))
        {
            ReadAllowances(setting, policy);
        }
        else if (Is(key, TimeZoneKey))
        {
            if (setting.TryReadText(out var zone, "'UTC' or 'Europe/Berlin'"))
            {
                policy.TimeZone = zone;
            }
        }
        else if (Is(key, EnforcementKey))
        {
            if (setting.TryReadChoice("an enforcement", out QuotaEnforcement enforcement, ("Enforce", QuotaEnforcement.Enforce), ("Shadow", QuotaEnforcement.Shadow)))
            {
                policy.Enforcement = enforcement;
            }
        }
        else if (Is(key, FailureModeKey))
        {
            if (setting.TryReadChoice("a failure mode", out QuotaFailureMode mode, ("FailClosed", QuotaFailureMode.FailClosed), ("FailOpen", QuotaFailureMode.FailOpen)))
            {
                policy.FailureMode = mode;
            }
        }
        else if (Is(key, StoreTimeoutKey))
        {
            if (setting.TryReadTimeSpan(out var timeout, "'00:00:01'"))
            {
                policy.StoreTimeout = timeout;
            }
        }
        else if (Is(key, SubjectCacheDurationKey))
        {
            if (setting.TryReadTimeSpan(out var duration, "'00:01:00'"))
            {
                policy.SubjectCacheDuration = duration;
            }
        }
        else if (Is(key, ThresholdsKey))
        {
            ReadThresholds(setting, policy);
        }
        else
        {
            return false;
        }

        return true;
    }

    private static void ReadAnchorMode(QuotaConfigurationSetting setting, QuotaPolicyOptions policy)
    {
        if (setting.TryReadChoice(
            "an anchor mode",
            out QuotaAnchorMode mode,
            ("FirstUse", QuotaAnchorMode.FirstUse),
            ("first-api-call", QuotaAnchorMode.FirstUse),
            ("Function", QuotaAnchorMode.Function),
            ("Calendar", QuotaAnchorMode.Calendar)))
        {
            policy.AnchorMode = mode;
        }
    }

    private static void ReadAllowances(QuotaConfigurationSetting allowances, QuotaPolicyOptions policy)
    {
        if (!QuotaConfigurationSetting.HasChildren(allowances.Section))
        {
            if (!string.IsNullOrEmpty(allowances.Section.Value))
            {
                allowances.Refuse("which is not a map of meters. Write each meter's limit per cycle, e.g. { \"requests\": 10000 }.");
            }

            return;
        }

        foreach (var meter in allowances.Section.GetChildren())
        {
            if (!QuotaConfigurationSetting.HasChildren(meter) && ConfigurationText.TryParseInteger(meter.Value, out var limit))
            {
                // A negative limit is kept for the validator, which says what a limit may be.
                policy.Allowances[meter.Key] = limit;
            }
            else
            {
                new QuotaConfigurationSetting(meter, allowances.Options, allowances.PolicyName, policy).Refuse(
                    "which is not a whole number. Write the meter's limit per cycle in digits, e.g. 10000 (no separators), or leave the meter out to count it without a limit.");
            }
        }
    }

    private void ReadOtherPolicySetting(QuotaConfigurationSetting setting)
    {
        var key = setting.Section.Key;
        if (_contributors.FirstOrDefault(c => c.PolicyKeys.Contains(key, StringComparer.OrdinalIgnoreCase)) is { } contributor)
        {
            contributor.Apply(setting);
            return;
        }

        var known = CorePolicyKeys.Concat(_contributors.SelectMany(c => c.PolicyKeys));
        setting.Refuse(ConfigurationHints.ForPolicyKey(setting) ?? Unknown("a setting of a quota policy", key, known));
    }
}
