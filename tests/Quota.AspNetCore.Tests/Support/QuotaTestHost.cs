using NodaTime.Testing;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Quota.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Quota.AspNetCore.Tests.Support;

/// <summary>
/// A web application for one test: the test's quota policies and endpoints behind
/// <c>UseRouting → UseAuthentication → (UseAuthorization) → UseQuota</c>, on an in-memory TestServer or on real Kestrel (loopback, port 0).
/// </summary>
public sealed class QuotaTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private QuotaTestHost(IHost host, HttpClient client, FakeClock clock, CapturingLoggerProvider logs)
    {
        _host = host;
        Client = client;
        Clock = clock;
        Logs = logs;
    }

    public HttpClient Client { get; }

    public FakeClock Clock { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _host.Services;

    public IQuotaService Quota => Services.GetRequiredService<IQuotaService>();

    public static async Task<QuotaTestHost> StartAsync(
        Action<QuotaBuilder>? quota,
        Action<IEndpointRouteBuilder> endpoints,
        FakeClock? clock = null,
        Action<IServiceCollection>? services = null,
        Action<IApplicationBuilder>? outer = null,
        bool authentication = true,
        bool kestrel = false,
        bool authorization = false)
    {
        clock ??= FakeClock.FromUtc(2026, 1, 1);
        var logs = new CapturingLoggerProvider();
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .ConfigureWebHost(web =>
            {
                if (kestrel)
                {
                    web.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
                }
                else
                {
                    web.UseTestServer();
                }

                web.ConfigureServices(s =>
                {
                    s.AddSingleton<NodaTime.IClock>(clock);
                    s.AddRouting();
                    if (authentication)
                    {
                        s.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
                    }

                    if (authorization)
                    {
                        s.AddAuthorization();
                    }

                    if (quota is not null)
                    {
                        quota(s.AddQuota().AddHttp());
                    }

                    services?.Invoke(s);
                });
                web.Configure(app =>
                {
                    outer?.Invoke(app);
                    app.UseRouting();
                    if (authentication)
                    {
                        app.UseAuthentication();
                    }

                    if (authorization)
                    {
                        app.UseAuthorization();
                    }

                    app.UseQuota();
                    app.UseEndpoints(endpoints);
                });
            })
            .Build();
        await host.StartAsync();
        HttpClient client;
        if (kestrel)
        {
            var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        }
        else
        {
            client = host.GetTestClient();
            client.Timeout = TimeSpan.FromSeconds(60);
        }

        return new QuotaTestHost(host, client, clock, logs);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? user = "alice") => SendAsync(HttpMethod.Get, path, user);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? user = "alice", HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (user is not null)
        {
            request.Headers.Add(TestAuthHandler.Header, user);
        }

        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.StopAsync();
        _host.Dispose();
    }
}
