using System.Globalization;

namespace Quota;

/// <summary>Reads the alert settings: <c>Alerts:…</c> under the section and <c>Policies:{name}:Thresholds</c>.</summary>
internal sealed partial class QuotaConfigurationReader
{
    private const string QueueCapacityKey = "QueueCapacity";
    private const string HandlerTimeoutKey = "HandlerTimeout";
    private const string ShutdownTimeoutKey = "ShutdownTimeout";

    private static readonly string[] AlertKeys = [QueueCapacityKey, HandlerTimeoutKey, ShutdownTimeoutKey];

    private static void ReadAlerts(QuotaConfigurationSetting alerts)
    {
        if (!QuotaConfigurationSetting.HasChildren(alerts.Section))
        {
            alerts.Refuse("which is not a set of alert settings. Write e.g. { \"QueueCapacity\": 10000, \"HandlerTimeout\": \"00:00:30\" }.");
            return;
        }

        var options = alerts.Options.Alerts;
        foreach (var child in alerts.Section.GetChildren())
        {
            var setting = new QuotaConfigurationSetting(child, alerts.Options, policyName: null, policy: null);
            if (Is(child.Key, QueueCapacityKey))
            {
                if (setting.TryReadInteger(out var capacity, "10000"))
                {
                    options.QueueCapacity = (int)Math.Clamp(capacity, int.MinValue, int.MaxValue);
                }
            }
            else if (Is(child.Key, HandlerTimeoutKey))
            {
                if (setting.TryReadTimeSpan(out var timeout, "'00:00:30'"))
                {
                    options.HandlerTimeout = timeout;
                }
            }
            else if (Is(child.Key, ShutdownTimeoutKey))
            {
                if (setting.TryReadTimeSpan(out var timeout, "'00:00:05'"))
                {
                    options.ShutdownTimeout = timeout;
                }
            }
            else
            {
                setting.Refuse(Unknown("an alert setting", child.Key, AlertKeys));
            }
        }
    }

    private static void ReadThresholds(QuotaConfigurationSetting thresholds, QuotaPolicyOptions policy)
    {
        const string Example = "e.g. { \"requests\": [80, 100] } or { \"requests\": \"80%, 100%\" }";
        if (!QuotaConfigurationSetting.HasChildren(thresholds.Section))
        {
            thresholds.Refuse($"which is not a map of meters. Write each meter's thresholds in percent of its allowance, {Example}.");
            return;
        }

        foreach (var meter in thresholds.Section.GetChildren())
        {
            var setting = new QuotaConfigurationSetting(meter, thresholds.Options, thresholds.PolicyName, policy);
            var items = QuotaConfigurationSetting.HasChildren(meter)
                ? meter.GetChildren().Select(c => (Setting: new QuotaConfigurationSetting(c, thresholds.Options, thresholds.PolicyName, policy), Text: c.Value)).ToList()
                : (meter.Value ?? string.Empty).Split(',').Select(text => (Setting: setting, Text: (string?)text)).ToList();
            var percents = new List<int>(items.Count);
            var refused = false;
            foreach (var (item, text) in items)
            {
                if (TryParsePercent(text, out var percent))
                {
                    percents.Add(percent);
                }
                else
                {
                    item.Refuse($"which is not a list of whole percentages. Write the meter's thresholds in percent of its allowance, {Example}.");
                    refused = true;
                }
            }

            // A meter refused here is left out, so it is reported once. Range and duplicates are the validator's to
            // report, with every other problem of the policy.
            if (!refused)
            {
                policy.Thresholds[meter.Key] = percents;
            }
        }
    }

    /// <summary>Parses <c>80</c>, <c>80%</c> or <c>80 %</c>.</summary>
    private static bool TryParsePercent(string? text, out int percent)
    {
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.EndsWith('%'))
        {
            trimmed = trimmed[..^1].TrimEnd();
        }

        return int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out percent);
    }
}
