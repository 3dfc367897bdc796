using Microsoft.Extensions.Options;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.Options;

public sealed class SqliteQuotaStoreOptionsValidatorTests : SqliteFileTest
{

    [Fact]
    public void Valid_options_pass()
    {
        var result = new SqliteQuotaStoreOptionsValidator().Validate(null, new SqliteQuotaStoreOptions { ConnectionString = Database.ConnectionString });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void A_file_in_a_missing_folder_is_refused_naming_the_path_and_nothing_is_created()
    {
        var folder = Path.Combine(Database.Folder, "no", "such", "folder");
        var path = Path.Combine(folder, "quota.db");

        var error = Assert.Throws<OptionsValidationException>(() => new SqliteQuotaStore($"Data Source={path}", Clock));

        Assert.Contains(path, error.Message);
        Assert.Contains($"the folder '{folder}' does not exist", error.Message);
        Assert.Contains("Create the folder first", error.Message);
        Assert.False(Directory.Exists(Path.Combine(Database.Folder, "no")));
    }

    [Fact]
    public async Task A_folder_removed_after_start_up_is_a_clear_error_and_is_not_recreated()
    {
        var folder = Path.Combine(Database.Folder, "data");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "quota.db");
        using var store = new SqliteQuotaStore($"Data Source={path}", Clock);
        Directory.Delete(folder);

        var error = await Assert.ThrowsAsync<QuotaStoreException>(async () => await store.TryAddAsync(new QuotaCounterKey("p", "k", Clock.GetCurrentInstant()), new[] { new QuotaMeterDelta("requests", 1) }, Clock.GetCurrentInstant() + Duration.FromHours(1)));

        Assert.Contains(path, error.Message);
        Assert.Contains("does not exist", error.Message);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Read_only_mode_is_refused_because_the_store_must_write()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new SqliteQuotaStore(Database.ConnectionString + ";Mode=ReadOnly", Clock));

        Assert.Contains("Mode=ReadOnly", error.Message);
        Assert.Contains(Database.FilePath, error.Message);
    }

    [Theory]
    [InlineData("", "ConnectionString is required")]
    [InlineData("Data Source=:memory:", "not an in-memory database")]
    [InlineData("Data Source=quota.db;Mode=Memory", "not an in-memory database")]
    [InlineData("Data Source=file:quota.db?mode=rwc", "is a URI")]
    [InlineData("Data Source=quota.db;Bogus Keyword=1", "could not be read")]
    public void Connection_strings_without_a_file_are_refused_with_what_to_write(string connectionString, string expected)
    {
        var result = new SqliteQuotaStoreOptionsValidator().Validate(null, new SqliteQuotaStoreOptions { ConnectionString = connectionString });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once()
    {
        var options = new SqliteQuotaStoreOptions
        {
            ConnectionString = Database.ConnectionString,
            Synchronous = (SqliteQuotaSynchronousMode)7,
            BusyTimeout = TimeSpan.Zero,
            MaxReadConnections = 0,
            PurgeEveryWrites = 0,
            PurgeBatchSize = -1,
        };

        var result = new SqliteQuotaStoreOptionsValidator().Validate(null, options);

        Assert.Equal(5, result.Failures!.Count());
        Assert.Contains("Synchronous", result.FailureMessage);
        Assert.Contains("BusyTimeout", result.FailureMessage);
        Assert.Contains("MaxReadConnections", result.FailureMessage);
        Assert.Contains("PurgeEveryWrites", result.FailureMessage);
        Assert.Contains("PurgeBatchSize", result.FailureMessage);
    }
}
