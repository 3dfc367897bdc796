namespace Quota;

/// <summary>What an application's function says about a subject: the key to count it under, and its allowances.</summary>
/// <param name="Key">The key usage is counted under, e.g. the user's organisation rather than the user.</param>
/// <param name="Allowances">The subject's allowances (meter → limit per cycle); <see langword="null"/> keeps the policy's own.</param>
public sealed record QuotaSubjectDetail(string Key, IReadOnlyDictionary<string, long>? Allowances = null);
