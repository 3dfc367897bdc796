using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Quota;
using Quota.PluginSdk;
using Quota.Samples.Plugin;

// A source plugin whose team may sync 50,000 paid rows a month. One run syncs 60,000 paid rows (plus 30,000 free
// ones), so the first run stops mid-sync with the quota message and the next run is refused at once.
//   dotnet run --project samples/Quota.Samples.Plugin              one run (run it again: refused at once)
//   dotnet run --project samples/Quota.Samples.Plugin -- --runs 2  two runs in one process
const string Policy = "plugin-rows";
const long MonthlyPaidRows = 50_000;

var runs = args is ["--runs", var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 1;
var services = new ServiceCollection();
services.AddQuota()
    .AddPolicy(Policy, p =>
    {
        p.Period = "monthly";
        p.AnchorMode = QuotaAnchorMode.Calendar;
        p.Allowances["rows"] = MonthlyPaidRows;
    })
    .AddUsageClient(Policy)
    // Usage lives in a SQLite file beside the program, so a second run sees what the first one used (delete it to start afresh).
    .UseSqliteStore("Data Source=" + Path.Combine(AppContext.BaseDirectory, "plugin-quota.db"));

await using var provider = services.BuildServiceProvider();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var sync = new SyncRun(provider.GetRequiredService<IUsageClientFactory>(), provider.GetRequiredService<IQuotaService>(), Policy);
var completed = true;
for (var run = 1; run <= runs; run++)
{
    completed = await sync.RunAsync(run, stop.Token);
}

// 0: the last run synced everything; 3: the team's quota stopped it.
return completed ? 0 : 3;
