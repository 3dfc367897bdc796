namespace Quota.PluginSdk;

/// <summary>Whose allowance a usage client's rows count against: which subject key they are recorded under.</summary>
public enum UsageScope
{
    /// <summary>
    /// Each plugin of a team has its own usage and allowance, as in CloudQuery, which checks and records usage by team,
    /// plugin kind and plugin name. The subject key is <c>team/kind/name</c>, e.g. <c>acme/source/github</c>
    /// (see <see cref="UsageSubjects.KeyOf"/>). The default.
    /// </summary>
    Plugin = 0,

    /// <summary>
    /// Every plugin of a team draws on one allowance: the subject key is the team, e.g. <c>acme</c>. Each record also
    /// counts its rows under the plugin's own meter (<see cref="UsageMeters.ForPlugin"/>), so the team's usage still
    /// breaks down by plugin.
    /// </summary>
    Team = 1,
}
