namespace Quota.PluginSdk;

/// <summary>Who a plugin is, and whether its usage is metered at all.</summary>
/// <remarks>
/// Usage is counted per plugin by default, as in CloudQuery: under the subject key <c>team/kind/name</c>, e.g.
/// <c>acme/source/github</c>, so every run of one plugin of a team draws on that plugin's allowance. With
/// <see cref="UsageScope.Team"/> every plugin of the team draws on one allowance under the key <see cref="Team"/>.
/// See <see cref="UsageSubjects.KeyOf"/>.
/// </remarks>
public sealed record PluginMeta
{
    /// <summary>Gets the team that runs the plugin and whose allowances its rows are counted against, e.g. <c>acme</c>. Required.</summary>
    public required string Team { get; init; }

    /// <summary>Gets whether the plugin is a source or a destination.</summary>
    public PluginKind Kind { get; init; }

    /// <summary>Gets the plugin's name, e.g. <c>github</c>. Required.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the plugin's version, e.g. <c>v1.2.0</c>; used in logs and messages only.</summary>
    public string Version { get; init; } = string.Empty;

    /// <summary>
    /// Gets a value indicating whether usage is not metered for this run (a free plugin, a development build): the
    /// client then counts nothing and its quota check always answers yes.
    /// </summary>
    public bool SkipUsageClient { get; init; }

    /// <inheritdoc />
    public override string ToString() => Version.Length == 0 ? $"{Kind} plugin '{Name}' of team '{Team}'" : $"{Kind} plugin '{Name}' {Version} of team '{Team}'";
}
