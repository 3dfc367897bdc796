using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Quota.PluginSdk;

/// <summary>The team's rows allowance is used up: the sync must stop. The message names the team and what to do.</summary>
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
        : this(team, resetsAt, detail: null)
    {
    }

    /// <summary>Initializes the exception for a team, saying what was not done.</summary>
    internal QuotaExceededException(string team, Instant? resetsAt, string? detail)
        : base(Describe(team, resetsAt, detail))
    {
        Team = team;
        ResetsAt = resetsAt;
    }

    /// <summary>Gets the team whose allowance is used up.</summary>
    public string? Team { get; }

    /// <summary>Gets when the allowance resets, if known.</summary>
    public Instant? ResetsAt { get; }

    private static string Describe(string team, Instant? resetsAt, string? detail)
    {
        var reset = resetsAt is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"; it resets at {InstantPattern.General.Format(at)}")
            : string.Empty;
        return $"Team '{team}' has used its rows allowance for this cycle{reset}{detail}. Raise the team's rows allowance (or upgrade its plan) to sync more now, or run the sync again after the reset.";
    }
}
