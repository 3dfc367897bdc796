using NodaTime;

namespace Quota.AspNetCore;

/// <summary>Usage read without consuming, for a policy after the one that refused, and the time from that read until its cycle resets.</summary>
internal sealed record UsageRead(QuotaUsage Usage, Duration TimeUntilReset);
