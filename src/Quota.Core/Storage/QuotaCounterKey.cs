using NodaTime;

namespace Quota;

/// <summary>Identifies one counter: the usage of one subject under one policy during one cycle.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Key">The subject key (a user, team, API key, …). Treat it as data: it may contain any character.</param>
/// <param name="CycleStart">The start of the cycle the counter belongs to.</param>
public readonly record struct QuotaCounterKey(string Policy, string Key, Instant CycleStart);
