using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>Turns the store's configuration string into connection options that never hang a caller.</summary>
internal static class RedisConnectionSettings
{
    /// <summary>
    /// Parses <paramref name="configuration"/> and, where it does not say otherwise, connects without aborting on a
    /// failed first connect and with connect/sync timeouts equal to <paramref name="operationTimeout"/>.
    /// </summary>
    public static ConfigurationOptions Create(string configuration, TimeSpan operationTimeout)
    {
        var options = ConfigurationOptions.Parse(configuration);
        var milliseconds = (int)Math.Ceiling(operationTimeout.TotalMilliseconds);
        if (!Mentions(configuration, "abortConnect"))
        {
            options.AbortOnConnectFail = false;
        }

        if (!Mentions(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = milliseconds;
        }

        if (!Mentions(configuration, "syncTimeout"))
        {
            options.SyncTimeout = milliseconds;
        }

        return options;
    }

    private static bool Mentions(string configuration, string setting)
    {
        foreach (var part in configuration.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith(setting + "=", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
