using NodaTime;

namespace Quota.AspNetCore;

/// <summary>One policy that refused a request: the meter that had no room, its allowance, and when it resets.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Meter">The meter with no room left, e.g. <c>requests</c> or <c>tokens</c>.</param>
/// <param name="Limit">The meter's allowance per cycle.</param>
/// <param name="Used">What the caller has used of it in the current cycle.</param>
/// <param name="ResetAt">The instant the cycle ends and usage starts afresh.</param>
/// <param name="RetryAfter">The time from the refusal until <paramref name="ResetAt"/>.</param>
public sealed record QuotaViolation(string Policy, string Meter, long Limit, long Used, Instant ResetAt, Duration RetryAfter);
