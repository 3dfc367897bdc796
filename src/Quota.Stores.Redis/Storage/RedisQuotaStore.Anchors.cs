using NodaTime;
using NodaTime.Text;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

public sealed partial class RedisQuotaStore
{
    /// <inheritdoc />
    public async ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateSubject(policy, key);
        cancellationToken.ThrowIfCancellationRequested();
        var indexing = Index(policy, key);
        var reply = await EvaluateAsync(RedisScript.Anchor, [_keys.Anchor(policy, key)], [InstantPattern.ExtendedIso.Format(candidate)], cancellationToken).ConfigureAwait(false);
        await indexing.ConfigureAwait(false);
        return ParseAnchor((string?)reply);
    }

    /// <inheritdoc />
    public async ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateSubject(policy, key);
        cancellationToken.ThrowIfCancellationRequested();
        var anchorKey = _keys.Anchor(policy, key);
        var stored = await CommandAsync(db => db.StringGetAsync(anchorKey), cancellationToken).ConfigureAwait(false);
        return stored.IsNull ? null : ParseAnchor(stored);
    }

    /// <summary>Anchors are stored as ISO-8601 instants with up to nanosecond precision, e.g. <c>2024-01-31T04:30:15.123Z</c>.</summary>
    private static Instant ParseAnchor(string? stored)
    {
        var parsed = InstantPattern.ExtendedIso.Parse(stored ?? string.Empty);
        return parsed.Success
            ? parsed.Value
            : throw new FormatException($"The stored quota anchor '{stored}' is not an ISO-8601 instant. Delete the key so the next use sets it again.");
    }
}
