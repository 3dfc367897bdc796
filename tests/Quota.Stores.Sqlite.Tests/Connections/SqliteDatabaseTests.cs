using Microsoft.Extensions.Logging.Abstractions;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;

namespace Quota.Tests.Connections;

public sealed class SqliteDatabaseTests : SqliteFileTest
{

    /// <summary>
    /// SQLite really refuses writes here (the tests run as root, which ignores file permissions, so the file is opened
    /// with Mode=ReadOnly): the store must notice before writing, say so, and leave the file as it was. Start-up
    /// validation refuses Mode=ReadOnly in the options; this is the check behind it, which also catches a file the
    /// process may not write (SQLite then opens it read-only).
    /// </summary>
    [Fact]
    public async Task A_read_only_file_is_refused_before_anything_is_written()
    {
        await SeedAsync();

        var before = await File.ReadAllBytesAsync(Database.FilePath);
        Assert.True(SqliteDataFile.TryParse(Database.ConnectionString + ";Mode=ReadOnly", out var file, out _));
        var database = new SqliteDatabase(file!, new SqliteQuotaStoreOptions(), NullLogger.Instance);

        var error = Assert.Throws<QuotaStoreException>(() => database.OpenWriter());

        Assert.Contains(Database.FilePath, error.Message);
        Assert.Contains("read-only", error.Message);
        Assert.Contains("Remove Mode=ReadOnly", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(Database.FilePath));
    }

    [Fact]
    public async Task Readers_cannot_write()
    {
        await SeedAsync();

        Assert.True(SqliteDataFile.TryParse(Database.ConnectionString, out var file, out _));
        using var reader = new SqliteDatabase(file!, new SqliteQuotaStoreOptions(), NullLogger.Instance).OpenReader();

        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => reader.ExecuteNonQuery("DELETE FROM quota_meters"));
        Assert.Equal(1, Database.Scalar("SELECT count(*) FROM quota_meters"));
    }
}
