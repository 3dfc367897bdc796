namespace Quota.Stores.Redis;

/// <summary>
/// The keys of the store's configuration section (e.g. <c>Quota:Redis</c>): each applied, or refused by its path and
/// value with what to write instead, within the same limits as the options validator.
/// </summary>
internal static class RedisQuotaStoreSection
{
    public static readonly QuotaSectionReader<RedisQuotaStoreOptions> Reader = new QuotaSectionReader<RedisQuotaStoreOptions>("the Redis quota store")
        .Add(nameof(RedisQuotaStoreOptions.Configuration), static (key, options) =>
        {
            // What the string says (endpoints, host names) is checked by the validator, which parses it as the client does.
            if (key.TryReadText(out var text, "'127.0.0.1:6379' or 'node1:6379,node2:6379,password=…'"))
            {
                options.Configuration = text;
            }
        })
        .Add(nameof(RedisQuotaStoreOptions.KeyPrefix), static (key, options) =>
        {
            if (!key.TryReadText(out var prefix, "'quota' or 'myapp:quota'"))
            {
                return;
            }

            if (RedisQuotaStoreSettings.KeyPrefixProblem(prefix) is { } problem)
            {
                key.Refuse(problem);
            }
            else
            {
                options.KeyPrefix = prefix;
            }
        })
        .Add(nameof(RedisQuotaStoreOptions.ExpiryGrace), static (key, options) =>
        {
            if (!key.TryReadTimeSpan(out var grace, "'00:01:00'"))
            {
                return;
            }

            if (RedisQuotaStoreSettings.ExpiryGraceProblem(grace) is { } problem)
            {
                key.Refuse(problem);
            }
            else
            {
                options.ExpiryGrace = grace;
            }
        })
        .Add(nameof(RedisQuotaStoreOptions.Connection), static (key, _) => key.Refuse(
            "which is a connection object, and configuration cannot hold one. Write Configuration instead, e.g. \"Configuration\": \"127.0.0.1:6379\", or pass the application's connection in code: UseRedisStore(connection)."));
}
