using NodaTime;

namespace Quota;

/// <summary>
/// A subject's usage of a meter reached one of its policy's thresholds (<see cref="QuotaPolicyOptions.Thresholds"/>) in a
/// cycle: "alice reached 80 % of hello-monthly". Raised once per subject, meter, threshold and cycle across every instance
/// sharing the store, and delivered to each <see cref="IQuotaAlertHandler"/>.
/// </summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Key">The subject key usage is counted under.</param>
/// <param name="Meter">The meter, e.g. <c>requests</c>.</param>
/// <param name="Percent">The threshold reached, in percent of <paramref name="Limit"/>, e.g. 80.</param>
/// <param name="Used">The meter's usage right after the consume or record that reached the threshold.</param>
/// <param name="Limit">The meter's limit in the cycle then: the subject's allowance plus the cycle's grants.</param>
/// <param name="AnchorDate">The instant the subject's cycles are counted from.</param>
/// <param name="Cycle">The cycle the threshold was reached in; it resets at <see cref="QuotaCycle.End"/>.</param>
/// <param name="ReachedAt">When the threshold was reached, by the service's clock.</param>
public sealed record QuotaAlert(string Policy, string Key, string Meter, int Percent, long Used, long Limit, Instant AnchorDate, QuotaCycle Cycle, Instant ReachedAt)
{
    /// <inheritdoc />
    public override string ToString() => $"{Key} reached {Percent} % of {Policy} ({Meter}: {Used} of {Limit})";
}
