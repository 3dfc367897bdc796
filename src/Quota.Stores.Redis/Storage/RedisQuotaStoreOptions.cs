using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>
/// Options of the <see cref="RedisQuotaStore"/>, bindable from configuration (e.g. <c>Quota:Redis:Configuration</c>).
/// Validated once at start-up.
/// </summary>
public sealed class RedisQuotaStoreOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c> or
    /// <c>node1:6379,node2:6379,password=…</c> for a cluster. Required unless <see cref="Connection"/> is set.
    /// </summary>
    /// <remarks>
    /// Unless the string says otherwise, the store connects with <c>abortConnect=false</c>: start-up never fails because
    /// Redis is down; each call fails fast instead and the policy's failure mode applies. How long a call may take is the
    /// policy's <c>StoreTimeout</c>, not a setting of the store.
    /// </remarks>
    public string? Configuration { get; set; }

    /// <summary>
    /// Gets or sets a connection the application already has. The store uses it and leaves it open when disposed.
    /// Takes the place of <see cref="Configuration"/>.
    /// </summary>
    public IConnectionMultiplexer? Connection { get; set; }

    /// <summary>
    /// Gets or sets the first part of every key, e.g. <c>quota</c> gives <c>quota:{tag}:c:1767225600000</c>. Defaults
    /// to <c>quota</c>. Must not contain <c>{</c> or <c>}</c>, which would change the keys' cluster slot.
    /// </summary>
    public string KeyPrefix { get; set; } = "quota";

    /// <summary>
    /// Gets or sets how long past its logical expiry Redis keeps a counter before deleting it, to absorb clock skew
    /// between application instances. Defaults to one minute. Expired counters read as empty whatever this is.
    /// </summary>
    public TimeSpan ExpiryGrace { get; set; } = TimeSpan.FromMinutes(1);
}
