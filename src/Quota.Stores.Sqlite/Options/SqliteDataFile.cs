using Microsoft.Data.Sqlite;

namespace Quota.Stores.Sqlite;

/// <summary>The database file a connection string names, and the connection string the store opens it with.</summary>
internal sealed class SqliteDataFile
{
    private SqliteDataFile(string path, string connectionString, string checkConnectionString, bool readOnlyMode)
    {
        Path = path;
        ConnectionString = connectionString;
        CheckConnectionString = checkConnectionString;
        ReadOnlyMode = readOnlyMode;
    }

    /// <summary>Gets the file's full path.</summary>
    public string Path { get; }

    /// <summary>Gets the connection string with the full path and Microsoft.Data.Sqlite's pooling off (the store pools its own connections).</summary>
    public string ConnectionString { get; }

    /// <summary>Gets the same connection string with <c>Mode=ReadOnly</c>: for looking at a file before anything may write to it.</summary>
    public string CheckConnectionString { get; }

    /// <summary>Gets a value indicating whether the connection string asks for <c>Mode=ReadOnly</c>.</summary>
    public bool ReadOnlyMode { get; }

    /// <summary>Gets the folder the file lives in.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path) ?? Path;

    /// <summary>Parses a connection string, or says what is wrong with it.</summary>
    /// <param name="connectionString">The connection string.</param>
    /// <param name="file">The file, when the connection string names one.</param>
    /// <param name="error">What to write instead, when it does not.</param>
    /// <returns>Whether the connection string names a file.</returns>
    public static bool TryParse(string? connectionString, out SqliteDataFile? file, out string? error)
    {
        file = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error = "SqliteQuotaStoreOptions.ConnectionString is required. Write e.g. \"Data Source=quota.db\" (a file next to the app) or \"Data Source=/var/lib/myapp/quota.db\".";
            return false;
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            error = $"SqliteQuotaStoreOptions.ConnectionString could not be read ({ex.Message}). Write e.g. \"Data Source=quota.db\".";
            return false;
        }

        var source = builder.DataSource;
        if (string.IsNullOrWhiteSpace(source) || source == ":memory:" || builder.Mode == SqliteOpenMode.Memory)
        {
            error = "The SQLite quota store needs a file, not an in-memory database: write e.g. \"Data Source=quota.db\", or use UseInMemoryStore() for usage that need not survive a restart.";
            return false;
        }

        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            error = $"Data Source '{source}' is a URI. Write a plain file path instead, e.g. \"Data Source=/var/lib/myapp/quota.db\".";
            return false;
        }

        string path;
        try
        {
            path = System.IO.Path.GetFullPath(source);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"Data Source '{source}' is not a valid file path ({ex.Message}).";
            return false;
        }

        var readOnlyMode = builder.Mode == SqliteOpenMode.ReadOnly;
        builder.DataSource = path;
        builder.Pooling = false;
        var connection = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadOnly;
        file = new SqliteDataFile(path, connection, builder.ToString(), readOnlyMode);
        error = null;
        return true;
    }
}
