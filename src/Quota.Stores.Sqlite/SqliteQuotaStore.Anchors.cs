using NodaTime;

namespace Quota.Stores.Sqlite;

public sealed partial class SqliteQuotaStore
{
    /// <inheritdoc />
    public ValueTask<Instant> GetOrSetAnchorAsync(string policy, string key, Instant candidate, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateSubject(policy, key);
        var stored = GetAnchorAsync(policy, key, cancellationToken);
        if (stored.IsCompletedSuccessfully && stored.Result is { } anchor)
        {
            return new ValueTask<Instant>(anchor);
        }

        return SetAnchorAsync(stored, policy, key, candidate, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<Instant?> GetAnchorAsync(string policy, string key, CancellationToken cancellationToken = default)
    {
        StoreArguments.ValidateSubject(policy, key);
        return ReadAsync((policy, key), static (_, reader, subject) => ReadAnchor(reader, subject.policy, subject.key), cancellationToken);
    }

    private async ValueTask<Instant> SetAnchorAsync(ValueTask<Instant?> stored, string policy, string key, Instant candidate, CancellationToken cancellationToken)
    {
        if (await stored.ConfigureAwait(false) is { } anchor)
        {
            return anchor;
        }

        // Set once: the insert does nothing when another caller (of any process) set the anchor first; every caller
        // then reads back the one that won.
        return await WriteAsync(
            (policy, key, candidate),
            static (_, writer, call) =>
            {
                writer[SqliteSql.InsertAnchor].Bind(0, call.policy).Bind(1, call.key).Bind(2, call.candidate.ToUnixTimeTicks()).Execute();
                return ReadAnchor(writer, call.policy, call.key) ?? throw new InvalidOperationException($"The anchor of subject '{call.key}' under policy '{call.policy}' vanished right after it was set.");
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static Instant? ReadAnchor(SqliteSession session, string policy, string key)
        => session[SqliteSql.SelectAnchor].Bind(0, policy).Bind(1, key).TryReadInt64(out var ticks) ? Instant.FromUnixTimeTicks(ticks) : null;
}
