using NodaTime.Testing;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Quota.Tests.Configuration;

/// <summary>Thresholds and alert settings, in configuration and in code: each applied, or refused by its path.</summary>
public sealed class AlertConfigurationTests
{
    private static IConfigurationSection Quota(string json)
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Quota");

    private static ServiceProvider Build(IConfiguration? section, Action<QuotaBuilder>? configure = null)
    {
        var services = new ServiceCollection().AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        var quota = section is null ? services.AddQuota() : services.AddQuota(section);
        configure?.Invoke(quota);
        return services.BuildServiceProvider();
    }

    private static IReadOnlyList<string> Failures(IConfiguration? section, Action<QuotaBuilder>? configure = null)
    {
        using var provider = Build(section, configure);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IQuotaService>()).Failures.ToList();
    }

    [Fact]
    public void Thresholds_are_read_as_lists_or_as_one_value_with_percent_signs()
    {
        using var provider = Build(Quota("""
            { "Quota": {
                "Alerts": { "QueueCapacity": 50, "HandlerTimeout": "00:00:02", "ShutdownTimeout": "00:00:09" },
                "Policies": { "api": { "Period": "monthly", "Allowances": { "requests": 100, "tokens": 5000 },
                                       "Thresholds": { "requests": [100, 80], "tokens": "50%, 90 %" } } } } }
            """));

        var policy = provider.GetRequiredService<IQuotaService>().GetPolicy("api");
        var alerts = provider.GetRequiredService<IOptions<QuotaOptions>>().Value.Alerts;

        Assert.Equal([80, 100], policy.Thresholds["requests"]);
        Assert.Equal([50, 90], policy.Thresholds["tokens"]);
        Assert.Equal(50, alerts.QueueCapacity);
        Assert.Equal(TimeSpan.FromSeconds(2), alerts.HandlerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), alerts.ShutdownTimeout);
    }

    [Fact]
    public void Code_and_configuration_set_the_same_thresholds()
    {
        using var provider = Build(
            Quota("""{ "Quota": { "Policies": { "api": { "Period": "daily", "Allowances": { "requests": 10 }, "Thresholds": { "requests": [50] } } } } }"""),
            quota => quota.AddPolicy("api", p => p.Thresholds["requests"].Add(90)).AddPolicy("code", p =>
            {
                p.Period = "hourly";
                p.Allowances["rows"] = 1000;
                p.Thresholds["rows"] = [75];
            }));

        var quota = provider.GetRequiredService<IQuotaService>();

        Assert.Equal([50, 90], quota.GetPolicy("api").Thresholds["requests"]);
        Assert.Equal([75], quota.GetPolicy("code").Thresholds["rows"]);
    }

    [Fact]
    public void Bad_thresholds_are_refused_by_path_and_value()
    {
        var failures = Failures(Quota("""
            { "Quota": { "Policies": { "api": { "Period": "daily", "Allowances": { "requests": 10 },
                "Thresholds": { "requests": [80, 0, 80], "calls": [80, "eighty"], "tokens": [50], "rows": "1e2", "bytes": [] } } } } }
            """));

        Assert.Contains("Quota:Policies:api:Thresholds:calls:1 is 'eighty', which is not a list of whole percentages. Write the meter's thresholds in percent of its allowance, e.g. { \"requests\": [80, 100] } or { \"requests\": \"80%, 100%\" }.", failures);
        Assert.Contains("Quota:Policies:api:Thresholds:rows is '1e2', which is not a list of whole percentages. Write the meter's thresholds in percent of its allowance, e.g. { \"requests\": [80, 100] } or { \"requests\": \"80%, 100%\" }.", failures);
        Assert.Contains("Quota:Policies:api:Thresholds:requests holds 0, which is not a positive percentage. Write whole percentages of the allowance, e.g. [80, 100].", failures);
        Assert.Contains("Quota:Policies:api:Thresholds:requests is [80, 0, 80], which names a threshold twice. Write each percentage once.", failures);
        Assert.Contains("Quota:Policies:api:Thresholds:tokens is a threshold of a meter without an allowance, so it would never be reached (a threshold is a share of the allowance). Add Allowances:tokens, or remove it.", failures);
        Assert.Contains("Quota:Policies:api:Thresholds:bytes is empty, which is not a list of whole percentages. Write the meter's thresholds in percent of its allowance, e.g. { \"requests\": [80, 100] } or { \"requests\": \"80%, 100%\" }.", failures);
        Assert.Equal(6, failures.Count);
    }

    [Fact]
    public void Thresholds_of_a_meter_without_allowance_are_allowed_when_subjects_bring_their_own()
    {
        using var provider = Build(null, quota => quota.AddPolicy("plans", p =>
        {
            p.Period = "monthly";
            p.SubjectProvider = (key, _) => ValueTask.FromResult(new QuotaSubjectDetail(key, new Dictionary<string, long> { ["seats"] = 5 }));
            p.Thresholds["seats"] = [100];
        }));

        Assert.Equal([100], provider.GetRequiredService<IQuotaService>().GetPolicy("plans").Thresholds["seats"]);
    }

    [Fact]
    public void Bad_alert_settings_are_refused_by_path()
    {
        var failures = Failures(Quota("""
            { "Quota": { "Alerts": { "QueueCapacity": 0, "HandlerTimeout": "00:00:00", "ShutdownTimeout": "soon", "Retries": 3 },
                         "Policies": { "api": { "Period": "daily" } } } }
            """));

        Assert.Contains("Quota:Alerts:ShutdownTimeout is 'soon', which is not a time span. Write hours:minutes:seconds, e.g. '00:00:05'.", failures);
        Assert.Contains("Quota:Alerts:Retries is '3', which is not an alert setting. Write one of: QueueCapacity, HandlerTimeout, ShutdownTimeout.", failures);
        Assert.Contains("Quota:Alerts:QueueCapacity is 0, which is not positive. Write how many alerts may wait for delivery, e.g. 10000.", failures);
        Assert.Contains("Quota:Alerts:HandlerTimeout is '00:00:00', which is not positive. Write how long a handler may take with one alert, e.g. '00:00:30'.", failures);
    }
}
