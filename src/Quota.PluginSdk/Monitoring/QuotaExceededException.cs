using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Quota.PluginSdk;

/// <summary>The rows allowance of a plugin, or of its team, is used up: the sync must stop. The message names whose it is and what to do.</summary>
public sealed class QuotaExceededException : Exception
{
    /// <summary>Initializes the exception.</summary>
    public QuotaExceededException()
        : base("The rows allowance is used up.")
    {
    }

    /// <summary>Initializes the exception with a message.</summary>
    /// <param name="message">What happened.</param>
    public QuotaExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception with a message and a cause.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The cause.</param>
    public QuotaExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes the exception for a team, with a message that says what to do.</summary>
    /// <param name="team">The team whose allowance is used up.</param>
    /// <param name="resetsAt">When the allowance resets, if known.</param>
    public QuotaExceededException(string team, Instant? resetsAt)
        : this(team, plugin: null, resetsAt, detail: null)
    {
    }

    /// <summary>Initializes the exception for a plugin or a team, saying what was not done.</summary>
    internal QuotaExceededException(string team, PluginMeta? plugin, Instant? resetsAt, string? detail)
        : base(Describe(team, plugin, resetsAt, detail))
    {
        Team = team;
        Plugin = plugin;
        ResetsAt = resetsAt;
    }

    /// <summary>Gets the team whose allowance, or whose plugin's allowance, is used up.</summary>
    public string? Team { get; }

    /// <summary>
    /// Gets the plugin whose own allowance is used up (<see cref="UsageScope.Plugin"/>), or <see langword="null"/> when
    /// the allowance is the team's, shared by its plugins, or the monitored thing is not a usage client.
    /// </summary>
    public PluginMeta? Plugin { get; }

    /// <summary>Gets when the allowance resets, if known.</summary>
    public Instant? ResetsAt { get; }

    /// <summary>The exception for what <paramref name="monitor"/> watches: a usage client's plugin or team, else the monitor's team.</summary>
    internal static QuotaExceededException For(IQuotaMonitor monitor, Instant? resetsAt, string? detail = null)
        => monitor is IUsageClient { Scope: UsageScope.Plugin } client
            ? new(client.TeamName, client.Plugin, resetsAt, detail)
            : new(monitor.TeamName, plugin: null, resetsAt, detail);

    private static string Describe(string team, PluginMeta? plugin, Instant? resetsAt, string? detail)
    {
        var reset = resetsAt is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"; it resets at {InstantPattern.General.Format(at)}")
            : string.Empty;
        return plugin is null
            ? $"Team '{team}' has used its rows allowance for this cycle{reset}{detail}. Raise the team's rows allowance (or upgrade its plan) to sync more now, or run the sync again after the reset."
            : $"{plugin} has used its rows allowance for this cycle{reset}{detail}. Raise the plugin's rows allowance (or upgrade the team's plan) to sync more now, or run the sync again after the reset.";
    }
}
