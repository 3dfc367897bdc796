using NodaTime.Testing;
using Quota.Stores.Sqlite;

namespace Quota.Tests.Support;

/// <summary>A test class with a fresh database file and a fake clock of its own, cleaned up afterwards.</summary>
public abstract class SqliteFileTest : IDisposable
{
    internal TempDatabase Database { get; } = new();

    protected FakeClock Clock { get; } = FakeClock.FromUtc(2026, 1, 1);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Database.Dispose();
        }
    }

    /// <summary>Creates the store's file with one counter in it, and closes it again.</summary>
    protected async Task SeedAsync()
    {
        await using var store = new SqliteQuotaStore(Database.ConnectionString, Clock);
        await store.AddAsync(new QuotaCounterKey("seed", "subject", Clock.GetCurrentInstant()), new[] { new QuotaMeterDelta("rows", 5) }, Clock.GetCurrentInstant() + Duration.FromHours(1));
    }
}
