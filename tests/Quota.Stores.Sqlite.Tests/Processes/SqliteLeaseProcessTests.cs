using NodaTime.Testing;
using Quota.Stores.Sqlite;
using Quota.Tests.Support;
using Xunit.Abstractions;

namespace Quota.Tests.Processes;

/// <summary>Leased allowances across OS processes on one SQLite file (see <see cref="LeaseProcessScenarios"/>).</summary>
public sealed class SqliteLeaseProcessTests(ITestOutputHelper output) : SqliteFileTest
{
    private static readonly Instant Now = Instant.FromUtc(2026, 1, 15, 12, 0);

    [Fact]
    public Task Four_processes_granting_from_blocks_are_granted_exactly_the_allowance()
        => LeaseProcessScenarios.ExactTotalsAsync(StartAsync, ReadAsync, output);

    [Fact]
    public Task A_process_killed_mid_run_never_causes_a_grant_past_the_allowance_and_costs_at_most_its_block()
        => LeaseProcessScenarios.KilledMidRunAsync(StartAsync, ReadAsync, output);

    private Task<WorkerProcess> StartAsync(string mode, int attempts)
        => WorkerProcess.StartAsync(LeaseProcessScenarios.Arguments(mode, Database.FilePath, "api", Now, attempts));

    private async Task<(long Used, long Held)> ReadAsync()
    {
        await using var store = new SqliteQuotaStore(Database.ConnectionString, new FakeClock(Now));
        var counter = new QuotaCounterKey("api", "shared", Instant.FromUtc(2026, 1, 1, 0, 0));
        return ((await store.ReadAsync(counter)).GetValueOrDefault("requests"), (await store.ReadCountersAsync([counter]))[0].Reserved.GetValueOrDefault("requests"));
    }
}
