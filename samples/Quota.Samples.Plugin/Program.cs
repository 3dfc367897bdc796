using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Quota;
using Quota.PluginSdk;
using Quota.Samples.Plugin;

// Two source plugins of team acme, each of which may sync 50,000 paid rows a month (usage is counted per plugin, as
// CloudQuery does). A run syncs github (60,000 paid rows) and gitlab (20,000 paid rows): github stops mid-sync with the
// quota message and is refused at once in later runs, while gitlab, with its own allowance, syncs until the third run.
//   dotnet run --project samples/Quota.Samples.Plugin              one run (run it again: github refused at once)
//   dotnet run --project samples/Quota.Samples.Plugin -- --runs 3  three runs in one process
const string Policy = "plugin-rows";
const long MonthlyPaidRowsPerPlugin = 50_000;

var runs = args is ["--runs", var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 1;
var services = new ServiceCollection();
services.AddQuota()
    .AddPolicy(Policy, p =>
    {
        p.Period = "monthly";
        p.AnchorMode = QuotaAnchorMode.Calendar;
        p.Allowances["rows"] = MonthlyPaidRowsPerPlugin;
    })
    .AddUsageClient(Policy) // per plugin by default; o => o.Scope = UsageScope.Team pools a team's plugins instead
    // Usage lives in a SQLite file beside the program, so a second run sees what the first one used (delete it to start afresh).
    .UseSqliteStore("Data Source=" + Path.Combine(AppContext.BaseDirectory, "plugin-quota.db"));

await using var provider = services.BuildServiceProvider();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

SourcePlugin[] plugins = [SourcePlugin.GitHub, SourcePlugin.GitLab];
var sync = new SyncRun(provider.GetRequiredService<IUsageClientFactory>());
var summary = new UsageSummary(provider.GetRequiredService<IQuotaService>(), Policy);
var completed = true;
for (var run = 1; run <= runs; run++)
{
    completed = true;
    foreach (var plugin in plugins)
    {
        completed &= await sync.RunAsync(run, plugin, stop.Token);
    }

    await summary.PrintAsync(plugins);
}

// 0: every plugin of the last run synced everything; 3: the quota stopped at least one of them.
return completed ? 0 : 3;
