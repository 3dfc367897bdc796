using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Quota.Samples.WebApi.Tests.Support;

/// <summary>
/// Debian's headless Chromium (installed by ./test.sh when missing), started with a new profile and driven through the
/// DevTools protocol. There is no fallback: a machine without <c>chromium</c> fails the test, it never skips it.
/// </summary>
public sealed partial class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TemporaryFolder _profile;

    private Chromium(Process process, TemporaryFolder profile, DevTools devTools)
    {
        _process = process;
        _profile = profile;
        DevTools = devTools;
    }

    public DevTools DevTools { get; }

    public static async Task<Chromium> StartAsync()
    {
        var executable = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Debian's chromium is not installed. Run ./test.sh, which installs it (apt-get install chromium), or install it yourself.");
        var profile = new TemporaryFolder("quota-chromium-");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.Path}", "--no-proxy-server",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=1280,900", "--hide-scrollbars",
            "--force-device-scale-factor=1", "--lang=en-US", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start.");
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                endpoint.TrySetException(new InvalidOperationException("chromium exited before it listened: " + errors));
                return;
            }

            errors.AppendLine(e.Data);
            if (Listening().Match(e.Data) is { Success: true } match)
            {
                endpoint.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var browser = await endpoint.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return new Chromium(process, profile, await DevTools.ConnectAsync(browser));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            profile.Dispose();
            throw;
        }
    }

    /// <summary>Opens a new tab and returns it, attached (flat session).</summary>
    public async Task<BrowserPage> NewPageAsync()
    {
        var target = await DevTools.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await DevTools.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true });
        var page = new BrowserPage(DevTools, target.GetProperty("targetId").GetString()!, attached.GetProperty("sessionId").GetString()!);
        await page.EnableAsync();
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DevTools.SendAsync("Browser.close").WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            // Killed below.
        }

        await DevTools.DisposeAsync();
        if (!_process.WaitForExit(5_000))
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        _profile.Dispose();
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex Listening();
}
