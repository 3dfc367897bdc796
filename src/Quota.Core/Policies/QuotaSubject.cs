using NodaTime;

namespace Quota;

/// <summary>
/// Who is counted, with optional facts the caller already knows about them. A plain string converts to a subject,
/// so <c>quota.GetUsageAsync("api", "user-42")</c> reads as written.
/// </summary>
/// <remarks>
/// Adapters that compute allowances or anchors per request (from an HTTP request, a plugin's team) pass them here;
/// they take precedence over the policy's <see cref="QuotaPolicyOptions.SubjectProvider"/> and anchor mode.
/// </remarks>
public readonly struct QuotaSubject
{
    /// <summary>Initializes a subject.</summary>
    /// <param name="key">The subject key; any non-empty string.</param>
    /// <param name="allowances">Allowances for this subject (meter → limit per cycle), replacing the policy's; <see langword="null"/> keeps them.</param>
    /// <param name="anchor">The instant this subject's cycles count from, replacing the policy's anchor mode; <see langword="null"/> keeps it.</param>
    public QuotaSubject(string key, IReadOnlyDictionary<string, long>? allowances = null, Instant? anchor = null)
    {
        Key = key;
        Allowances = allowances;
        Anchor = anchor;
    }

    /// <summary>Gets the subject key.</summary>
    public string Key { get; }

    /// <summary>Gets the allowances that replace the policy's, if any.</summary>
    public IReadOnlyDictionary<string, long>? Allowances { get; }

    /// <summary>Gets the anchor that replaces the policy's anchor mode, if any.</summary>
    public Instant? Anchor { get; }

    /// <summary>Converts a subject key to a subject with no overrides.</summary>
    /// <param name="key">The subject key.</param>
    public static implicit operator QuotaSubject(string key) => new(key);

    /// <inheritdoc />
    public override string ToString() => Key;
}
