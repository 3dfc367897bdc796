using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using StackExchange.Redis;

namespace Quota.Stores.Redis;

/// <summary>
/// An <see cref="IQuotaStore"/> on Redis: one quota shared by every application instance, Redis Cluster safe. Each
/// conditional add, however many meters it carries, is one Lua script and one round trip (<c>EVALSHA</c>); adds that
/// arrive while others are in flight go together in one batch script, each still all-or-nothing.
/// </summary>
/// <remarks>
/// <para>
/// Time comes from the application's <see cref="IClock"/>: scripts receive "now" and each counter's expiry as
/// arguments and never read the server's clock, so cycles are decided in one place (Quota.Core). Redis deletes a
/// counter some time after it expires (a relative TTL plus <see cref="RedisQuotaStoreOptions.ExpiryGrace"/>).
/// </para>
/// <para>
/// Every call is bounded by its cancellation token, which <c>IQuotaService</c> cancels at the policy's
/// <c>StoreTimeout</c> (the one deadline; see <see cref="IQuotaStore"/>), and fails at once while Redis is unreachable,
/// so each policy's failure mode (fail-open or fail-closed) applies instead of a hang. Counting resumes by itself when
/// Redis is back. A conditional add whose token is cancelled while it waits for a batch is never sent; a call cancelled
/// after it was sent may still be applied by Redis. A call made without a cancellable token is bounded only by the
/// client's own <c>asyncTimeout</c>.
/// </para>
/// <para>The key layout is documented in the package's README.</para>
/// </remarks>
public sealed partial class RedisQuotaStore : IQuotaStore, IDisposable
{
    /// <summary>How many counters' key names are kept ready; about 200 bytes each.</summary>
    private const int CachedCounterKeys = 10_000;

    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly RedisQuotaKeys _keys;
    private readonly RedisCounterKeyCache _counterKeys;
    private readonly long _graceMilliseconds;
    private readonly ConfigurationOptions? _configuration;
    private readonly Lock _gate = new();
    private Task<bool>? _connecting;
    private IConnectionMultiplexer? _connection;
    private IDatabase? _database;
    private bool _ownsConnection;
    private bool _disposed;

    /// <summary>Initializes a store with the given options.</summary>
    /// <param name="options">Where Redis is and how keys are named; validated here.</param>
    /// <param name="clock">The clock that decides "now" for expiry; the same one the quota service uses.</param>
    /// <param name="logger">Receives connection losses and recoveries; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public RedisQuotaStore(RedisQuotaStoreOptions options, IClock clock, ILogger<RedisQuotaStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = RedisQuotaStoreOptionsValidator.Collect(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _clock = clock;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _keys = new RedisQuotaKeys(options.KeyPrefix);
        _counterKeys = new RedisCounterKeyCache(_keys, CachedCounterKeys);
        _graceMilliseconds = (long)options.ExpiryGrace.TotalMilliseconds;
        if (options.Connection is { } connection)
        {
            Attach(connection, owns: false);
        }
        else
        {
            _configuration = RedisConnectionSettings.Create(options.Configuration!);
            _connecting = ConnectAsync();
        }
    }

    /// <summary>Closes the connection when the store opened it; a connection passed in options is left open.</summary>
    public void Dispose()
    {
        IConnectionMultiplexer? connection;
        bool owns;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connection = _connection;
            owns = _ownsConnection;
        }

        if (connection is not null)
        {
            connection.ConnectionFailed -= OnConnectionFailed;
            connection.ConnectionRestored -= OnConnectionRestored;
            if (owns)
            {
                Close(connection);
            }
        }
    }

    private async Task<bool> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(_configuration!).ConfigureAwait(false);
        if (Attach(connection, owns: true))
        {
            return true;
        }

        Close(connection);
        return false;
    }

    /// <summary>Closes a connection the store opened.</summary>
    private static void Close(IConnectionMultiplexer connection) => connection.Dispose();

    private bool Attach(IConnectionMultiplexer connection, bool owns)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            connection.ConnectionFailed += OnConnectionFailed;
            connection.ConnectionRestored += OnConnectionRestored;
            _connection = connection;
            _ownsConnection = owns;
            Volatile.Write(ref _database, connection.GetDatabase());
            return true;
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
        => RedisQuotaStoreLog.ConnectionFailed(_logger, e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception);

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
        => RedisQuotaStoreLog.ConnectionRestored(_logger, e.EndPoint?.ToString() ?? "?");
}
