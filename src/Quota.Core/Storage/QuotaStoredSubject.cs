using NodaTime;

namespace Quota;

/// <summary>One subject of a policy as a store lists it (<see cref="IQuotaStore.ListSubjectsAsync"/>).</summary>
/// <param name="Key">The subject key usage is counted under.</param>
/// <param name="Anchor">The subject's first-use anchor, or <see langword="null"/> when the store holds none (calendar and function anchors are not stored).</param>
public readonly record struct QuotaStoredSubject(string Key, Instant? Anchor);
