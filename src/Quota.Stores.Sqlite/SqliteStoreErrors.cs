using Microsoft.Data.Sqlite;

namespace Quota.Stores.Sqlite;

/// <summary>The store's error messages, each naming the file and saying what to do instead.</summary>
internal static class SqliteStoreErrors
{
    // SQLite result codes (https://www.sqlite.org/rescode.html).
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int NotADatabase = 26;

    public static string MissingFolder(SqliteDataFile file)
        => $"The SQLite quota store cannot create '{file.Path}': the folder '{file.Folder}' does not exist. Create the folder first, or point the connection string at a file in an existing folder; Quota does not create folders.";

    public static QuotaStoreException ReadOnlyFile(SqliteDataFile file)
        => new($"The SQLite quota store cannot write to '{file.Path}': SQLite opened it read-only (Mode=ReadOnly in the connection string, or no write permission on the file or its folder). Remove Mode=ReadOnly and let the process write to the file and its folder. The file was left untouched.");

    public static QuotaStoreException NewerSchema(SqliteDataFile file, long version, int known)
        => new($"The SQLite quota store '{file.Path}' has schema version {version}, newer than the {known} this version of Quota.Stores.Sqlite understands (it was written by a newer Quota). Upgrade the Quota.Stores.Sqlite package, or point the connection string at another file. The file was left untouched.");

    public static QuotaStoreException ForeignDatabase(SqliteDataFile file, string what)
        => new($"The file '{file.Path}' is a SQLite database of another application ({what}), not a Quota store. Point the connection string at a file of its own, e.g. \"Data Source=quota.db\". The file was left untouched.");

    /// <summary>Explains a failure to open or check the file, or returns <see langword="null"/> when it is not one of the known kinds.</summary>
    public static QuotaStoreException? OnOpen(SqliteDataFile file, SqliteException ex)
        => ex.SqliteErrorCode switch
        {
            NotADatabase or Corrupt => new QuotaStoreException($"The file '{file.Path}' is not a SQLite database, or is damaged (SQLite: {ex.Message}). The file was left untouched: move it away to let Quota create a fresh store, or point the connection string at another file.", ex),
            CantOpen => Directory.Exists(file.Folder)
                ? new QuotaStoreException($"The SQLite quota store cannot open '{file.Path}' (SQLite: {ex.Message}). Check that the path is a file (not a folder), that the process may read and write it and its folder, and that the connection string does not forbid creating it (Mode=ReadWrite).", ex)
                : new QuotaStoreException(MissingFolder(file), ex),
            ReadOnly => new QuotaStoreException(ReadOnlyFile(file).Message, ex),
            _ => null,
        };

    /// <summary>Wraps a failure during a store call in a <see cref="QuotaStoreException"/> that names the file.</summary>
    public static QuotaStoreException OnCall(SqliteDataFile file, SqliteException ex, TimeSpan busyTimeout)
        => ex.SqliteErrorCode switch
        {
            Busy or Locked => new QuotaStoreException($"The SQLite quota store '{file.Path}' stayed locked by another process for longer than BusyTimeout ({busyTimeout.TotalSeconds:0.###} s). Raise SqliteQuotaStoreOptions.BusyTimeout, or find the process that holds a long write transaction on the file.", ex),
            Full => new QuotaStoreException($"The SQLite quota store '{file.Path}' could not write: the disk is full (SQLite: {ex.Message}).", ex),
            _ => OnOpen(file, ex) ?? new QuotaStoreException($"The SQLite quota store '{file.Path}' failed (SQLite error {ex.SqliteErrorCode}: {ex.Message}).", ex),
        };
}
