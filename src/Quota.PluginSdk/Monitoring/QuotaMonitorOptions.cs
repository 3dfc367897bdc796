using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Quota.PluginSdk;

/// <summary>How <see cref="QuotaMonitor.WithCancelOnQuotaExceeded(CancellationToken, IQuotaMonitor, QuotaMonitorOptions?)"/> checks. The defaults are CloudQuery's.</summary>
public sealed class QuotaMonitorOptions
{
    /// <summary>
    /// Gets or sets the time between checks until a check suggests another (<see cref="CheckQuotaResult.SuggestedQueryInterval"/>).
    /// A suggested interval then stays until a later check suggests a new one; a failed check, or one that suggests
    /// none, keeps the current interval, as in CloudQuery. Defaults to 30 seconds.
    /// </summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many checks in a row must fail for the token to be cancelled. Defaults to 10 (five minutes at the
    /// default interval). 0 and 1 both cancel at the first failed check, as in CloudQuery.
    /// </summary>
    public int MaxConsecutiveFailures { get; set; } = 10;

    /// <summary>Gets or sets where failed checks and cancellations are logged. Defaults to no logging.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>
    /// Gets or sets the time the checks are scheduled on, e.g. a <c>FakeTimeProvider</c> in tests, or the application's
    /// registered one. <see langword="null"/> (the default) means <see cref="System.TimeProvider.System"/>.
    /// </summary>
    public TimeProvider? TimeProvider { get; set; }

    internal QuotaMonitorOptions Copy() => (QuotaMonitorOptions)MemberwiseClone();

    internal void ThrowIfInvalid()
    {
        var errors = new List<string>();
        if (CheckInterval <= TimeSpan.Zero)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"QuotaMonitorOptions.CheckInterval is {CheckInterval}. Write a positive time, e.g. 00:00:30; Go's WithQuotaCheckPeriod panics on a time that is not positive."));
        }

        if (MaxConsecutiveFailures < 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"QuotaMonitorOptions.MaxConsecutiveFailures is {MaxConsecutiveFailures}. Write 0 or 1 to stop at the first failed check, or more, e.g. 10 (Go: WithQuotaMaxConsecutiveFailures(10))."));
        }

        if (Logger is null)
        {
            errors.Add("QuotaMonitorOptions.Logger is null. Leave it unset for no logging, or pass a logger.");
        }

        if (errors.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(QuotaMonitorOptions), errors);
        }
    }
}
