using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>Turns the store's configuration string into connection options that never stop the application at start-up.</summary>
internal static class RedisConnectionSettings
{
    /// <summary>Parses <paramref name="configuration"/> and, where it does not say otherwise, connects without aborting on a failed first connect.</summary>
    public static ConfigurationOptions Create(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        if (!Mentions(configuration, "abortConnect"))
        {
            options.AbortOnConnectFail = false;
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
