using Microsoft.Extensions.Logging;

namespace Quota.Stores.Sqlite;

/// <summary>The SQLite store's log messages, source-generated, with stable event ids (2001–2099; the README lists every package's range).</summary>
internal static partial class SqliteQuotaLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Created the Quota schema version {Version} in SQLite file '{Path}'.")]
    public static partial void SchemaCreated(ILogger logger, string path, int version);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Upgraded the Quota schema of SQLite file '{Path}' from version {From} to {To}.")]
    public static partial void SchemaUpgraded(ILogger logger, string path, long from, int to);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "SQLite file '{Path}' runs in journal mode '{Mode}' instead of WAL (the file system may not support it); readers and writers will block each other more.")]
    public static partial void NotWal(ILogger logger, string path, string mode);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Debug, Message = "Deleted {Count} expired counters from SQLite file '{Path}'.")]
    public static partial void Purged(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Deleting expired counters from SQLite file '{Path}' failed; the next batch will retry.")]
    public static partial void PurgeFailed(ILogger logger, string path, Exception exception);
}
