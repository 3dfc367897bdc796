using System.Globalization;
using Quota.PluginSdk;

namespace Quota.Samples.Plugin;

/// <summary>Prints a team's usage broken down by plugin: each plugin's rows are kept under its own subject key.</summary>
internal sealed class UsageSummary(IQuotaService quota, string policy)
{
    public async Task PrintAsync(IReadOnlyList<SourcePlugin> plugins)
    {
        var team = plugins[0].Meta.Team;
        var lines = new List<string>();
        QuotaUsage? last = null;
        foreach (var plugin in plugins)
        {
            // The key a usage client records under: "acme/source/github" (team/kind/name), CloudQuery's per-plugin scope.
            var key = UsageSubjects.KeyOf(plugin.Meta);
            var usage = await quota.GetUsageAsync(policy, key);
            var tables = usage.Meters
                .Where(m => m.Key.StartsWith(UsageMeters.TablePrefix, StringComparison.Ordinal))
                .OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key[UsageMeters.TablePrefix.Length..]} {m.Value:N0}"));
            lines.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"    {key,-20} {usage.Meters.GetValueOrDefault(UsageMeters.Rows),7:N0} of {usage.Limits.GetValueOrDefault(UsageMeters.Rows):N0}   {string.Join(", ", tables)}"));
            last = usage;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Team '{team}', paid rows this month per plugin (resets {last?.NextResetDate:uuuu-MM-dd}):"));
        foreach (var line in lines)
        {
            Console.WriteLine(line.TrimEnd());
        }

        Console.WriteLine();
    }
}
