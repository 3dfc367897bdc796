namespace Quota.Stores.Redis;

/// <summary>
/// The limits of <see cref="RedisQuotaStoreOptions"/>, in one place for the two that apply them: the options validator
/// (options set in code) and the reader of the store's configuration section, which refuses a key by its path.
/// </summary>
internal static class RedisQuotaStoreSettings
{
    /// <summary>Says what is wrong with a key prefix (<c>which …</c>), or returns <see langword="null"/>.</summary>
    public static string? KeyPrefixProblem(string? prefix)
        => string.IsNullOrEmpty(prefix) || prefix.AsSpan().IndexOfAny('{', '}') >= 0
            ? "which is empty or holds '{' or '}' (they would move keys to another cluster slot). Write e.g. 'quota' or 'myapp:quota'."
            : null;

    /// <summary>Says what is wrong with an expiry grace (<c>which …</c>), or returns <see langword="null"/>.</summary>
    public static string? ExpiryGraceProblem(TimeSpan grace)
        => grace < TimeSpan.Zero ? "which is negative. Write zero or more, e.g. '00:01:00'." : null;
}
