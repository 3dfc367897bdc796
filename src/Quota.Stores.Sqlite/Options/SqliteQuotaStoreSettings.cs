namespace Quota.Stores.Sqlite;

/// <summary>
/// The limits of <see cref="SqliteQuotaStoreOptions"/>, in one place for the two that apply them: the options validator
/// (options set in code) and the reader of the store's configuration section, which refuses a key by its path.
/// </summary>
internal static class SqliteQuotaStoreSettings
{
    public static readonly Range MaxReadConnections = new(1, 256, "4");

    public static readonly Range PurgeEveryWrites = new(1, int.MaxValue, "1000");

    public static readonly Range PurgeBatchSize = new(1, int.MaxValue, "500");

    private static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Says what is wrong with a connection string, or returns <see langword="null"/> when the store can use it.</summary>
    public static string? ConnectionStringProblem(string? connectionString)
    {
        if (!SqliteDataFile.TryParse(connectionString, out var file, out var error))
        {
            return error;
        }

        if (file!.ReadOnlyMode)
        {
            return $"The SQLite quota store must write usage, but the connection string for '{file.Path}' says Mode=ReadOnly. Remove Mode=ReadOnly (or write Mode=ReadWriteCreate).";
        }

        return Directory.Exists(file.Folder) ? null : SqliteStoreErrors.MissingFolder(file);
    }

    /// <summary>Says what is wrong with a busy timeout (<c>which …</c>), or returns <see langword="null"/>.</summary>
    public static string? BusyTimeoutProblem(TimeSpan value)
        => value <= TimeSpan.Zero || value > MaxBusyTimeout
            ? "which is out of range. Write a positive time of at most 10 minutes, e.g. '00:00:05'."
            : null;

    /// <summary>The whole numbers a setting accepts, and an example.</summary>
    public sealed record Range(int Minimum, int Maximum, string Example)
    {
        public string Problem => Maximum == int.MaxValue
            ? $"which is out of range. Write a whole number of {Minimum} or more, e.g. {Example}."
            : $"which is out of range. Write a whole number from {Minimum} to {Maximum}, e.g. {Example}.";
    }
}
