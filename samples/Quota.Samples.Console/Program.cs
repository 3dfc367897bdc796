using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Quota;
using Quota.Samples.Console;

// A monthly allowance of 5 requests, counted from each user's first use, spent and then reset.
// Time comes from a clock the sample moves forward, so a month passes in a moment.
var clock = new SteppingClock(Instant.FromUtc(2024, 1, 31, 4, 30));
var services = new ServiceCollection();
services.AddSingleton<IClock>(clock);
services.AddQuota().AddPolicy("api", p =>
{
    p.Period = "monthly";
    p.Allowances["requests"] = 5;
});
using var provider = services.BuildServiceProvider();
var quota = provider.GetRequiredService<IQuotaService>();
var pattern = InstantPattern.General;

Console.WriteLine("Policy 'api': 5 requests a month from first use. alice first calls at 2024-01-31T04:30Z.");
for (var call = 1; call <= 6; call++)
{
    var decision = await quota.TryConsumeAsync("api", "alice");
    var used = decision.Usage.Meters["requests"];
    Console.WriteLine(decision.IsAllowed
        ? $"  call {call}: allowed   ({used}/5 used, resets {pattern.Format(decision.NextResetDate)})"
        : $"  call {call}: REFUSED   (retry after {decision.TimeUntilReset.TotalSeconds:0} s, at {pattern.Format(decision.NextResetDate)})");
    clock.Advance(Duration.FromHours(1));
}

// Month-end anchors clamp without drifting: Jan 31 -> Feb 29 (leap year) -> Mar 31, never Mar 29.
foreach (var at in new[] { Instant.FromUtc(2024, 2, 29, 4, 30), Instant.FromUtc(2024, 3, 31, 4, 30) })
{
    clock.Set(at);
    var decision = await quota.TryConsumeAsync("api", "alice");
    Console.WriteLine($"{pattern.Format(at)}: usage reset -> {(decision.IsAllowed ? "allowed" : "refused")}, "
        + $"{decision.Usage.Meters["requests"]}/5 used, next reset {pattern.Format(decision.NextResetDate)}");
}

var usage = await quota.GetUsageAsync("api", "alice");
Console.WriteLine($"GetUsage: anchor {pattern.Format(usage.AnchorDate)}, next reset {pattern.Format(usage.NextResetDate)}, requests {usage.Meters["requests"]}, remaining {usage.Remaining["requests"]}");
