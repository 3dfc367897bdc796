namespace Quota.PluginSdk;

/// <summary>The subject keys a usage client records under, to read a plugin's or a team's usage back.</summary>
/// <example>
/// <code>
/// var usage = await quota.GetUsageAsync("plugin-rows", UsageSubjects.KeyOf(meta));   // e.g. "acme/source/github"
/// </code>
/// </example>
public static class UsageSubjects
{
    /// <summary>Returns the subject key a plugin's rows are counted under in <paramref name="scope"/>.</summary>
    /// <param name="plugin">The plugin.</param>
    /// <param name="scope">Per plugin (the default, as in CloudQuery) or per team.</param>
    /// <returns>
    /// <c>team/kind/name</c> per plugin, e.g. <c>acme/source/github</c>, with each <c>%</c> and <c>/</c> in the team and
    /// the name written <c>%25</c> and <c>%2F</c> so that distinct plugins never share a key; the team as it is per team.
    /// </returns>
    /// <exception cref="ArgumentException">The team or the name is empty, or the kind or scope is not defined.</exception>
    public static string KeyOf(PluginMeta plugin, UsageScope scope = UsageScope.Plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentException.ThrowIfNullOrEmpty(plugin.Team, nameof(plugin));
        ArgumentException.ThrowIfNullOrEmpty(plugin.Name, nameof(plugin));
        return scope switch
        {
            UsageScope.Plugin => $"{Escape(plugin.Team)}/{KindOf(plugin.Kind)}/{Escape(plugin.Name)}",
            UsageScope.Team => plugin.Team,
            _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "Pass UsageScope.Plugin (each plugin has its own allowance) or UsageScope.Team (a team's plugins share one)."),
        };
    }

    /// <summary>Returns CloudQuery's word for a plugin kind: <c>source</c> or <c>destination</c>.</summary>
    internal static string KindOf(PluginKind kind) => kind switch
    {
        PluginKind.Source => "source",
        PluginKind.Destination => "destination",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Pass PluginKind.Source or PluginKind.Destination."),
    };

    private static string Escape(string part)
        => part.AsSpan().IndexOfAny('%', '/') < 0 ? part : part.Replace("%", "%25", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal);
}
