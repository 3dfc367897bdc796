using System.Globalization;
using Microsoft.Extensions.Options;

namespace Quota.Stores.Sqlite;

/// <summary>Validates <see cref="SqliteQuotaStoreOptions"/> in one pass and reports every problem with what to write instead.</summary>
/// <remarks>The limits are <see cref="SqliteQuotaStoreSettings"/>'s, which the configuration reader applies to each key too.</remarks>
internal sealed class SqliteQuotaStoreOptionsValidator : IValidateOptions<SqliteQuotaStoreOptions>
{
    private const string Name = nameof(SqliteQuotaStoreOptions) + ".";

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
        if (SqliteQuotaStoreSettings.ConnectionStringProblem(options.ConnectionString) is { } connection)
        {
            errors.Add(connection);
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            errors.Add($"{Name}Synchronous is '{options.Synchronous}', which is not a mode. Write Normal (the default) or Full.");
        }

        if (SqliteQuotaStoreSettings.BusyTimeoutProblem(options.BusyTimeout) is { } busy)
        {
            errors.Add($"{Name}BusyTimeout is '{options.BusyTimeout.ToString("c", CultureInfo.InvariantCulture)}', {busy}");
        }

        Count(errors, nameof(SqliteQuotaStoreOptions.MaxReadConnections), options.MaxReadConnections, SqliteQuotaStoreSettings.MaxReadConnections);
        Count(errors, nameof(SqliteQuotaStoreOptions.PurgeEveryWrites), options.PurgeEveryWrites, SqliteQuotaStoreSettings.PurgeEveryWrites);
        Count(errors, nameof(SqliteQuotaStoreOptions.PurgeBatchSize), options.PurgeBatchSize, SqliteQuotaStoreSettings.PurgeBatchSize);
        return errors;
    }

    private static void Count(List<string> errors, string setting, int value, SqliteQuotaStoreSettings.Range range)
    {
        if (value < range.Minimum || value > range.Maximum)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Name}{setting} is {value}, {range.Problem}"));
        }
    }
}
