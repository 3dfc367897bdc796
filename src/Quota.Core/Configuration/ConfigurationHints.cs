using Microsoft.Extensions.Configuration;

namespace Quota;

/// <summary>
/// What to write instead of a key no package reads, when the key says what was meant: a setting of a package the
/// application has not added, a function (code only), or a Zuplo word that has no place in .NET configuration. Core
/// knows these names as text only; the packages that own them are not referenced.
/// </summary>
internal static class ConfigurationHints
{
    private const string HttpPackage =
        "which is a setting of Quota.AspNetCore (HTTP requests). Add that package's settings with .AddHttp() after services.AddQuota(…), or remove it.";

    public static string? ForPolicyKey(QuotaConfigurationSetting setting)
    {
        var policy = setting.PolicyName;
        return Normalized(setting.Section.Key) switch
        {
            "quotaby" or "quotaonstatuscodes" => HttpPackage,
            "anchorprovider" or "subjectprovider" => $"which is a function, and configuration cannot hold one. Set it in code: AddPolicy(\"{policy}\", p => p.{setting.Section.Key} = …).",
            "subjectfromrequest" => $"which is a function, and configuration cannot hold one. Set it in code with Quota.AspNetCore: AddPolicy(\"{policy}\", p => p.Http().SubjectFromRequest = context => …).",
            "getquotadetail" => $"which is Zuplo's function, and configuration cannot hold one. With Quota.AspNetCore write \"QuotaBy\": \"function\" and set it in code: AddPolicy(\"{policy}\", p => p.Http().SubjectFromRequest = context => …).",
            "getanchordate" => $"which is Zuplo's function, and configuration cannot hold one. Write \"AnchorMode\": \"function\" and set it in code: AddPolicy(\"{policy}\", p => p.AnchorProvider = (key, cancellationToken) => …).",
            "identifier" => "which names Zuplo's JavaScript module of functions, and .NET cannot load it. Remove it and set the functions in code: "
                + $"AddPolicy(\"{policy}\", p => p.AnchorProvider = …) with \"AnchorMode\": \"function\", or p.Http().SubjectFromRequest with \"QuotaBy\": \"function\".",
            "name" or "policytype" or "handler" => "which belongs to a Zuplo policies.json entry, not to its options. Paste only the contents of handler.options here.",
            _ => null,
        };
    }

    /// <summary>A hint for a key directly under the section that names what it is: another package's setting, or a misplaced policy.</summary>
    public static string? ForSectionKey(IConfigurationSection section)
    {
        if (Normalized(section.Key) is "globalpolicy" or "onrejected")
        {
            return HttpPackage;
        }

        if (section.GetSection("Period").Exists() || section.GetSection("Allowances").Exists())
        {
            return $"which looks like a policy. Write policies under Policies, e.g. {Parent(section)}Policies:{section.Key}.";
        }

        return null;
    }

    /// <summary>A hint for a section directly under the Quota section that is like no known key: most likely a store's options.</summary>
    public static string? ForUnreadSection(IConfigurationSection section)
        => QuotaConfigurationSetting.HasChildren(section)
            ? "which no component reads. If it holds a store's options, pass it to the store (e.g. .UseSqliteStore(section.GetSection(\""
                + section.Key + "\")) or .UseRedisStore(…)), which claims it; another component that reads it calls builder.ClaimSection(…). Otherwise remove it."
            : null;

    private static string Parent(IConfigurationSection section)
    {
        var separator = section.Path.LastIndexOf(':');
        return separator < 0 ? string.Empty : section.Path[..(separator + 1)];
    }

    private static string Normalized(string key) => ConfigurationText.Normalize(key);
}
