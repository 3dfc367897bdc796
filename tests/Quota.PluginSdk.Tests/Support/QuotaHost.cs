using Microsoft.Extensions.DependencyInjection;
using Quota.PluginSdk;

namespace Quota.Tests.Support;

/// <summary>A quota service over an in-memory store (optionally wrapped), on fake time that the test moves.</summary>
internal sealed class QuotaHost : IAsyncDisposable
{
    public const string Policy = "plugin-rows";
    public const string Team = "acme";

    private readonly ServiceProvider _provider;
    private readonly List<IUsageClient> _clients = [];

    private QuotaHost(long? rowsAllowance, bool flaky)
    {
        Time = new TestTime();
        Store = new InMemoryQuotaStore(Time.Clock);
        Flaky = new FlakyStore(Store);
        var services = new ServiceCollection();
        services.AddSingleton<IClock>(Time.Clock);
        services.AddSingleton<TimeProvider>(Time);
        services.AddQuota()
            .AddPolicy(Policy, p =>
            {
                p.Period = "monthly";
                p.AnchorMode = QuotaAnchorMode.Calendar;

                // Generous, so that neither a loaded machine nor a month of fake time turns a held write into a failure.
                p.StoreTimeout = TimeSpan.FromMinutes(5);
                if (rowsAllowance is { } allowance)
                {
                    p.Allowances[UsageMeters.Rows] = allowance;
                }
            })
            .UseStore(_ => flaky ? Flaky : Store);
        _provider = services.BuildServiceProvider();
        Quota = _provider.GetRequiredService<IQuotaService>();
    }

    public TestTime Time { get; }

    /// <summary>Gets the current instant of the fake time.</summary>
    public Instant Now => Time.Now;

    public InMemoryQuotaStore Store { get; }

    public FlakyStore Flaky { get; }

    public IQuotaService Quota { get; }

    /// <summary>Gets the instant the flusher of a client created now first waits until (the first maximum-interval tick).</summary>
    public Instant FirstTick(UsageClientOptions? options = null) => Now + Duration.FromTimeSpan((options ?? new UsageClientOptions()).MaxTimeBetweenFlushes);

    /// <summary>Options that flush as soon as <paramref name="rows"/> rows are counted.</summary>
    public static UsageClientOptions FlushEvery(int rows) => new() { BatchLimit = rows, MinTimeBetweenFlushes = TimeSpan.Zero };

    public static QuotaHost Create(long? rowsAllowance = null, bool flaky = false) => new(rowsAllowance, flaky);

    /// <summary>Describes a plugin of a team, by default the source plugin "github" of team "acme".</summary>
    public static PluginMeta Plugin(string name = "github", string team = Team, PluginKind kind = PluginKind.Source)
        => new() { Team = team, Name = name, Kind = kind, Version = "v1.0.0" };

    public IUsageClient CreateClient(UsageClientOptions? options = null, string team = Team, bool skip = false, string name = "github")
    {
        var meta = Plugin(name, team) with { SkipUsageClient = skip };
        options ??= new UsageClientOptions();
        options.TimeProvider ??= Time;
        var client = UsageClient.Create(meta, Quota, Policy, options);
        _clients.Add(client);
        return client;
    }

    /// <summary>Creates a client and waits until its flusher has read the allowance and gone idle until its first tick.</summary>
    public async Task<IUsageClient> CreateIdleClientAsync(UsageClientOptions? options = null, string team = Team, string name = "github")
    {
        var tick = FirstTick(options);
        var client = CreateClient(options, team, name: name);
        await Time.WaitForDelayAsync(tick);
        return client;
    }

    /// <summary>Syncs <paramref name="rows"/> rows of the team with a client of its own, as another run would, and closes it.</summary>
    public async Task RecordAsync(uint rows)
    {
        var other = CreateClient();
        other.Increase(rows);
        await other.CloseAsync();
    }

    /// <summary>Reads a meter of a plugin's usage (by default the "github" plugin of the team) in the current cycle from the store.</summary>
    public async Task<long> RecordedAsync(string meter = UsageMeters.Rows, string team = Team)
    {
        var usage = await Quota.GetUsageAsync(Policy, UsageSubjects.KeyOf(Plugin(team: team)));
        return usage.Meters.GetValueOrDefault(meter);
    }

    public async ValueTask DisposeAsync()
    {
        Flaky.Down = false;
        Flaky.LetNewWritesThrough();
        Flaky.ReleaseHeldWrites();
        foreach (var client in _clients)
        {
            try
            {
                await Time.RunUntilAsync(client.CloseAsync());
            }
            catch (Exception)
            {
                // A test that made the close fail has asserted on it already.
            }
        }

        await _provider.DisposeAsync();
    }
}
