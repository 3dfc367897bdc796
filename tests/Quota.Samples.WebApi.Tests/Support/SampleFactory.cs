using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;

namespace Quota.Samples.WebApi.Tests.Support;

/// <summary>
/// The web sample as <c>dotnet run</c> starts it — its Program, appsettings.json and SQLite store — served by Kestrel on a
/// free loopback port, with its usage in <paramref name="database"/> and, when given, time from <paramref name="clock"/>.
/// </summary>
public sealed class SampleFactory(string database, IClock? clock = null) : WebApplicationFactory<Program>
{
    /// <summary>Starts the sample and returns its base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Start()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Uri(address.Replace("://[::1]", "://127.0.0.1", StringComparison.Ordinal).Replace("://localhost", "://127.0.0.1", StringComparison.Ordinal));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Quota:Sqlite:ConnectionString", $"Data Source={database}");
        if (clock is not null)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IClock>();
                services.AddSingleton(clock);
            });
        }
    }
}
