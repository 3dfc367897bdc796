using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Quota.Stores.Sqlite;

/// <summary>
/// An <see cref="IQuotaStore"/> on a SQLite file: usage survives restarts and is exact across the threads of a process
/// and across processes sharing the file (two app instances on one host).
/// </summary>
/// <remarks>
/// <para>
/// The file and its schema are created on first use (its folder must exist). The schema carries a version
/// (<c>PRAGMA user_version</c>) and upgrades itself; a file of a newer version, a damaged file or another application's
/// database is refused with a <see cref="QuotaStoreException"/> that names the file, and is left untouched.
/// </para>
/// <para>
/// Every conditional add is all-or-nothing: either one conditional statement or one <c>BEGIN IMMEDIATE</c> transaction,
/// never a read followed by a write in another transaction. Writers of this process queue on one gate per file without
/// blocking threads; writers of other processes wait up to <see cref="SqliteQuotaStoreOptions.BusyTimeout"/>. Reads use a
/// small pool of connections and never wait for writers (WAL). Every statement is prepared once per connection, and
/// subject keys and meter names are always parameters.
/// </para>
/// <para>
/// Durability: the file runs in WAL mode. With <see cref="SqliteQuotaSynchronousMode.Normal"/> (the default) an
/// acknowledged write survives the process being killed; an operating-system crash or power loss may lose the last
/// commits (never corrupting the file). <see cref="SqliteQuotaSynchronousMode.Full"/> syncs every commit.
/// </para>
/// <para>
/// Calls complete synchronously (SQLite is an in-process library) unless they wait for another writer of this process.
/// Such a wait ends when the call's cancellation token (through <c>IQuotaService</c>, its deadline: the policy's
/// <c>StoreTimeout</c>) is cancelled, and the call is then never applied; a call already inside SQLite runs to its end
/// and reports its real result.
/// Expired counters read as empty at once and are deleted in batches of <see cref="SqliteQuotaStoreOptions.PurgeBatchSize"/>
/// every <see cref="SqliteQuotaStoreOptions.PurgeEveryWrites"/> writes, so the file stays bounded by the subjects active
/// in the current cycles. First-use anchors are kept (one small row per policy and subject).
/// </para>
/// </remarks>
public sealed partial class SqliteQuotaStore : IQuotaStore, IAsyncDisposable, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly IClock _clock;
    private readonly ILogger _logger;
    private readonly WriterGate _gate;
    private readonly SqliteSessionPool _readers;
    private readonly int _purgeEveryWrites;
    private readonly int _purgeBatchSize;
    private SqliteSession? _writer;
    private volatile bool _ready;
    private int _writesSincePurge;
    private int _disposed;

    /// <summary>Initializes a store on the file a connection string names, e.g. <c>Data Source=quota.db</c>.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="clock">The clock that decides when counters have expired.</param>
    public SqliteQuotaStore(string connectionString, IClock clock)
        : this(new SqliteQuotaStoreOptions { ConnectionString = connectionString }, clock)
    {
    }

    /// <summary>Initializes a store. The file is opened, checked and (when new) created on first use.</summary>
    /// <param name="options">The store's options; validated here, like at start-up.</param>
    /// <param name="clock">The clock that decides when counters have expired.</param>
    /// <param name="logger">Logs schema changes and purges; nothing when <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid; the message lists every problem.</exception>
    public SqliteQuotaStore(SqliteQuotaStoreOptions options, IClock clock, ILogger<SqliteQuotaStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        var errors = SqliteQuotaStoreOptionsValidator.Collect(options);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SqliteQuotaStoreOptions), errors);
        }

        SqliteDataFile.TryParse(options.ConnectionString, out var file, out _);
        _clock = clock;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _database = new SqliteDatabase(file!, options, _logger);
        _purgeEveryWrites = options.PurgeEveryWrites;
        _purgeBatchSize = options.PurgeBatchSize;
        _gate = WriterGate.Acquire(file!.Path);
        _readers = new SqliteSessionPool(options.MaxReadConnections, _database.OpenReader);
    }

    /// <summary>Gets the full path of the store's file.</summary>
    public string FilePath => _database.File.Path;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _gate.Semaphore.Wait();
        CloseWriter();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _gate.Semaphore.WaitAsync().ConfigureAwait(false);
        CloseWriter();
    }

    /// <summary>Closes the writer (the caller holds the gate) and the readers; callers still queued find the store disposed.</summary>
    private void CloseWriter()
    {
        try
        {
            _writer?.Dispose();
            _writer = null;
        }
        finally
        {
            _gate.Semaphore.Release();
            _gate.Release();
            _readers.Dispose();
        }
    }
}
