namespace Quota.PluginSdk;

/// <summary>Who a plugin is, and whether its usage is metered at all.</summary>
/// <remarks>
/// <see cref="Team"/> is the subject key usage is counted under: with a policy such as "rows per month per team",
/// every plugin run of one team draws on the same allowance.
/// </remarks>
public sealed record PluginMeta
{
    /// <summary>Gets the team whose allowance the plugin's rows are counted against, e.g. <c>acme</c>. Required.</summary>
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
