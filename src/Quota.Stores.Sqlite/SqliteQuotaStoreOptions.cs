namespace Quota.Stores.Sqlite;

/// <summary>
/// Options of the <see cref="SqliteQuotaStore"/>, bindable from configuration (e.g. the <c>Quota:Sqlite</c> section).
/// Validated at start-up; a bad value stops the application with a message that says what to write instead.
/// </summary>
public sealed class SqliteQuotaStoreOptions
{
    /// <summary>
    /// Gets or sets the Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=quota.db</c> or
    /// <c>Data Source=/var/lib/myapp/quota.db</c>. Required. The file and its schema are created on first use; its
    /// folder must already exist (Quota never creates folders). A relative path is resolved against the current
    /// directory when the store is created.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets how hard each commit is pushed to the disk. Defaults to <see cref="SqliteQuotaSynchronousMode.Normal"/>.</summary>
    public SqliteQuotaSynchronousMode Synchronous { get; set; } = SqliteQuotaSynchronousMode.Normal;

    /// <summary>
    /// Gets or sets how long a call waits for another process that holds the file's write lock before it fails.
    /// Defaults to five seconds. Waits for writers of this process do not count: they queue without blocking a thread.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many read connections are kept open for reads (usage and anchors). Defaults to 4. Writes use one connection of their own.</summary>
    public int MaxReadConnections { get; set; } = 4;

    /// <summary>Gets or sets after how many writes a batch of expired counters is deleted. Defaults to 1,000.</summary>
    public int PurgeEveryWrites { get; set; } = 1000;

    /// <summary>Gets or sets how many expired counters one purge batch deletes at most. Defaults to 500, so a batch stays short.</summary>
    public int PurgeBatchSize { get; set; } = 500;
}
