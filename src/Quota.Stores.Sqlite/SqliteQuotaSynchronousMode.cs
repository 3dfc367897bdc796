namespace Quota.Stores.Sqlite;

/// <summary>How hard SQLite pushes each commit to the disk (<c>PRAGMA synchronous</c>); the file is always in WAL mode.</summary>
public enum SqliteQuotaSynchronousMode
{
    /// <summary>
    /// <c>synchronous=NORMAL</c> (the default): a commit is written to the write-ahead log before the call returns, and the
    /// log is synced to the disk at checkpoints. Every acknowledged consume survives the process being killed (even
    /// <c>kill -9</c>); the last commits before an operating-system crash or power loss may be lost, never corrupted.
    /// </summary>
    Normal = 0,

    /// <summary>
    /// <c>synchronous=FULL</c>: every commit is synced to the disk before the call returns, so acknowledged consumes
    /// also survive power loss, at the price of one disk flush per write.
    /// </summary>
    Full = 1,
}
