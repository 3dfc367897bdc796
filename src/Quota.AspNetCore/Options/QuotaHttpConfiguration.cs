namespace Quota.AspNetCore;

/// <summary>
/// Reads this package's keys of the Quota section into the same options as Quota.Core's: <c>GlobalPolicy</c>, and each
/// policy's <c>QuotaBy</c> and <c>QuotaOnStatusCodes</c>, in Zuplo's spellings as well as ours.
/// </summary>
internal sealed class QuotaHttpConfiguration : IQuotaConfigurationContributor
{
    private const string GlobalPolicyKey = "GlobalPolicy";
    private const string QuotaByKey = "QuotaBy";
    private const string StatusCodesKey = "QuotaOnStatusCodes";

    public IReadOnlyCollection<string> SectionKeys { get; } = [GlobalPolicyKey];

    public IReadOnlyCollection<string> PolicyKeys { get; } = [QuotaByKey, StatusCodesKey];

    public void Apply(QuotaConfigurationSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var key = setting.Section.Key;
        if (setting.Policy is null)
        {
            if (setting.TryReadText(out var global, "'api-monthly', the name of a policy under Policies"))
            {
                setting.Options.Http().GlobalPolicy = global;
            }
        }
        else if (string.Equals(key, QuotaByKey, StringComparison.OrdinalIgnoreCase))
        {
            if (setting.TryReadChoice("a way to identify callers", out QuotaBy quotaBy, ("User", QuotaBy.User), ("Function", QuotaBy.Function)))
            {
                setting.Policy.Http().QuotaBy = quotaBy;
            }
        }
        else
        {
            ReadStatusCodes(setting);
        }
    }

    /// <summary>Reads Zuplo's two forms: a string (<c>"200-299, 304"</c>) or a list of codes and ranges (<c>[200, "300-399"]</c>).</summary>
    private static void ReadStatusCodes(QuotaConfigurationSetting setting)
    {
        string? text;
        var items = setting.Section.GetChildren().ToList();
        if (items.Count == 0)
        {
            text = setting.Section.Value;
        }
        else if (items.All(item => int.TryParse(item.Key, out _) && !item.GetChildren().Any() && !string.IsNullOrWhiteSpace(item.Value)))
        {
            text = string.Join(", ", items.OrderBy(item => int.Parse(item.Key, System.Globalization.CultureInfo.InvariantCulture)).Select(item => item.Value!.Trim()));
        }
        else
        {
            setting.Refuse("which is not a list of status codes. Write a string such as \"200-299, 304\" or a list such as [200, 304, \"500-599\"].");
            return;
        }

        if (StatusCodeRanges.TryParse(text, out _, out var error))
        {
            setting.Policy!.Http().QuotaOnStatusCodes = text!.Trim();
        }
        else
        {
            setting.Refuse(error);
        }
    }
}
