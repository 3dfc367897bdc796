using NodaTime.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Quota.AspNetCore.Tests.Configuration;

/// <summary>The web sample's appsettings.json, written in Zuplo's words, starts and binds the policies its README describes.</summary>
public sealed class WebSampleSettingsTests
{
    private static string SampleSettings()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var file = Path.Combine(folder.FullName, "samples", "Quota.Samples.WebApi", "appsettings.json");
            if (File.Exists(file))
            {
                return file;
            }
        }

        throw new FileNotFoundException("samples/Quota.Samples.WebApi/appsettings.json was not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task The_samples_settings_start_and_bind_every_policy()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(SampleSettings());
        builder.Services.AddSingleton<IClock>(FakeClock.FromUtc(2026, 1, 1));
        var section = builder.Configuration.GetSection("Quota");

        // As the sample registers it, with the store in memory: UseSqliteStore(section.GetSection("Sqlite")) claims that section.
        builder.Services.AddQuota(section).AddHttp().ClaimSection(section.GetSection("Sqlite"));
        using var host = builder.Build();
        await host.StartAsync();

        var policies = host.Services.GetRequiredService<HttpPolicies>();
        string Line(string name)
        {
            var http = policies.Find(name)!;
            var core = http.Policy;
            return $"{core.Period} {string.Join(",", core.Allowances.Select(a => $"{a.Key}={a.Value}"))} {core.AnchorMode} {http.QuotaBy} {http.Counted}";
        }

        Assert.Equal("monthly requests=10 FirstUse User 200-299, 304", Line("hello-monthly"));
        Assert.Equal("daily requests=100 FirstUse User 200", Line("completions-daily"));
        Assert.Equal("monthly tokens=50000 FirstUse User 200-299", Line("completions-monthly"));
        await host.StopAsync();
    }
}
