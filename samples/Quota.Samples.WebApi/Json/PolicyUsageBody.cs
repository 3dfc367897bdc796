namespace Quota.Samples.WebApi.Json;

/// <summary>One policy's usage in <see cref="UsageBody"/>; the dates are ISO 8601 instants.</summary>
public sealed record PolicyUsageBody(string AnchorDate, string NextResetDate, IReadOnlyDictionary<string, long> Meters, IReadOnlyDictionary<string, long> Remaining);
