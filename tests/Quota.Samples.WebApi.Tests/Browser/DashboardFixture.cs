using System.Net.Http.Json;
using Quota.Samples.WebApi.Tests.Support;

namespace Quota.Samples.WebApi.Tests.Browser;

/// <summary>
/// The web sample as a real process after some traffic, and headless Chromium signed in to its dashboard through the
/// sample's sign-in form. Started once for the browser tests (a browser and a process take seconds to start).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>A user whose name is markup: the dashboard must show it as text.</summary>
    public const string Mallory = "<img src=x onerror=alert(document.domain)>";

    public SampleProcess Sample { get; private set; } = null!;

    public Chromium Browser { get; private set; } = null!;

    public BrowserPage Dashboard { get; private set; } = null!;

    /// <summary>Calls the sample with the admin key.</summary>
    public HttpClient Admin { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Calls the sample without a key; requests add their own.</summary>
    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        Sample = await SampleProcess.StartAsync("--ApiKeys:demo-key-carol=carol", $"--ApiKeys:demo-key-mallory={Mallory}");
        Admin.BaseAddress = Sample.Address;
        Client.BaseAddress = Sample.Address;
        Admin.DefaultRequestHeaders.Add("X-Api-Key", "demo-key-admin");

        // hello-monthly allows 10 a month: carol uses it all, alice 90 %, mallory half, bob 20 %.
        await HelloAsync("demo-key-carol", 10);
        await HelloAsync("demo-key-alice", 9);
        await HelloAsync("demo-key-mallory", 5);
        await HelloAsync("demo-key-bob", 2);

        // completions: alice 42,000 of 50,000 tokens this month (84 %), bob one small prompt.
        await CompleteAsync("demo-key-alice", new string('x', 84_000));
        await CompleteAsync("demo-key-alice", new string('x', 84_000));
        await CompleteAsync("demo-key-bob", "Write a haiku about quotas.");

        // Alerts are marked, then logged, in the background: once logged, the listing shows them.
        await Sample.WaitForOutputAsync("carol reached 100 % of hello-monthly");
        await Sample.WaitForOutputAsync("alice reached 80 % of hello-monthly");
        await Sample.WaitForOutputAsync("alice reached 80 % of completions-monthly");

        Browser = await Chromium.StartAsync();
        Dashboard = await Browser.NewPageAsync();

        // A person opens the dashboard, is sent to the sign-in form, types the admin key and comes back signed in.
        await Dashboard.NavigateAsync(Sample.Url("/quota-admin/"));
        await Dashboard.WaitForAsync("location.pathname === '/sign-in' && document.getElementById('key')");
        await Dashboard.EvaluateAsync("document.getElementById('key').value = 'demo-key-admin'; document.querySelector('form').submit(); true");
        await Dashboard.WaitForAsync("location.pathname === '/quota-admin/' && document.body && document.body.dataset.state === 'ready'");
    }

    private async Task HelloAsync(string key, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
            request.Headers.Add("X-Api-Key", key);
            using var response = await Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task CompleteAsync(string key, string prompt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/completions") { Content = new StringContent(prompt) };
        request.Headers.Add("X-Api-Key", key);
        using var response = await Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A subject's usage, read through the admin API with the admin key.</summary>
    public async Task<System.Text.Json.JsonElement> SubjectAsync(string policy, string key)
        => await Admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/quota-admin/api/subject?policy={Uri.EscapeDataString(policy)}&key={Uri.EscapeDataString(key)}");

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Client.Dispose();
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        if (Sample is not null)
        {
            await Sample.DisposeAsync();
        }
    }
}
