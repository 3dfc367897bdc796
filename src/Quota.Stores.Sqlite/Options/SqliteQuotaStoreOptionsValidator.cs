using Microsoft.Extensions.Options;

namespace Quota.Stores.Sqlite;

/// <summary>Validates <see cref="SqliteQuotaStoreOptions"/> in one pass and reports every problem with what to write instead.</summary>
internal sealed class SqliteQuotaStoreOptionsValidator : IValidateOptions<SqliteQuotaStoreOptions>
{
    private static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, SqliteQuotaStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Collect(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Returns every problem of <paramref name="options"/>; empty when they are valid.</summary>
    public static List<string> Collect(SqliteQuotaStoreOptions options)
    {
        var errors = new List<string>();
        if (!SqliteDataFile.TryParse(options.ConnectionString, out var file, out var error))
        {
            errors.Add(error!);
        }
        else if (file!.ReadOnlyMode)
        {
            errors.Add($"The SQLite quota store must write usage, but the connection string for '{file.Path}' says Mode=ReadOnly. Remove Mode=ReadOnly (or write Mode=ReadWriteCreate).");
        }
        else if (!Directory.Exists(file.Folder))
        {
            errors.Add(SqliteStoreErrors.MissingFolder(file));
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            errors.Add($"SqliteQuotaStoreOptions.Synchronous = {options.Synchronous} is not a mode. Write Normal (the default) or Full.");
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > MaxBusyTimeout)
        {
            errors.Add($"SqliteQuotaStoreOptions.BusyTimeout = {options.BusyTimeout} is out of range. Write a positive duration up to 10 minutes, e.g. 00:00:05.");
        }

        if (options.MaxReadConnections is < 1 or > 256)
        {
            errors.Add($"SqliteQuotaStoreOptions.MaxReadConnections = {options.MaxReadConnections} is out of range. Write 1 to 256, e.g. 4.");
        }

        if (options.PurgeEveryWrites < 1)
        {
            errors.Add($"SqliteQuotaStoreOptions.PurgeEveryWrites = {options.PurgeEveryWrites} must be at least 1, e.g. 1000.");
        }

        if (options.PurgeBatchSize < 1)
        {
            errors.Add($"SqliteQuotaStoreOptions.PurgeBatchSize = {options.PurgeBatchSize} must be at least 1, e.g. 500.");
        }

        return errors;
    }
}
