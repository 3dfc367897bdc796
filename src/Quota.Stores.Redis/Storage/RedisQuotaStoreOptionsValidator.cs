using System.Net;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>Checks <see cref="RedisQuotaStoreOptions"/> once, listing every problem with what to write instead.</summary>
internal sealed class RedisQuotaStoreOptionsValidator : IValidateOptions<RedisQuotaStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisQuotaStoreOptions options)
    {
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> Collect(RedisQuotaStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Connection is null)
        {
            if (string.IsNullOrWhiteSpace(options.Configuration))
            {
                errors.Add("Quota Redis store: set Configuration to a StackExchange.Redis configuration string, e.g. '127.0.0.1:6379', or pass an existing ConnectionMultiplexer.");
            }
            else
            {
                try
                {
                    var endPoints = ConfigurationOptions.Parse(options.Configuration).EndPoints;
                    if (endPoints.Count == 0)
                    {
                        errors.Add($"Quota Redis store: Configuration '{options.Configuration}' names no endpoint. Write host:port, e.g. '127.0.0.1:6379'.");
                    }

                    foreach (var endPoint in endPoints)
                    {
                        // The client takes any text as a host name and fails only when it connects.
                        if (endPoint is DnsEndPoint dns && Uri.CheckHostName(dns.Host) == UriHostNameType.Unknown)
                        {
                            errors.Add($"Quota Redis store: Configuration '{options.Configuration}' names '{dns.Host}', which is not a host name. Write host:port, e.g. '127.0.0.1:6379' or 'redis.internal:6379'.");
                        }
                    }
                }
                catch (ArgumentException ex)
                {
                    errors.Add($"Quota Redis store: Configuration '{options.Configuration}' is not a valid StackExchange.Redis configuration string ({ex.Message}). Write e.g. '127.0.0.1:6379,password=…'.");
                }
            }
        }
        else if (!string.IsNullOrWhiteSpace(options.Configuration))
        {
            errors.Add("Quota Redis store: set either Configuration or Connection, not both.");
        }

        if (RedisQuotaStoreSettings.KeyPrefixProblem(options.KeyPrefix) is { } prefix)
        {
            errors.Add($"Quota Redis store: RedisQuotaStoreOptions.KeyPrefix is '{options.KeyPrefix}', {prefix}");
        }

        if (RedisQuotaStoreSettings.ExpiryGraceProblem(options.ExpiryGrace) is { } grace)
        {
            errors.Add($"Quota Redis store: RedisQuotaStoreOptions.ExpiryGrace is '{options.ExpiryGrace.ToString("c", System.Globalization.CultureInfo.InvariantCulture)}', {grace}");
        }

        return errors;
    }
}
