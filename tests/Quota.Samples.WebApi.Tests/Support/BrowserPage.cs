using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Quota.Samples.WebApi.Tests.Support;

/// <summary>One tab: navigate, run script in it, wait for a condition, take a screenshot. JavaScript dialogs are dismissed and recorded.</summary>
public sealed class BrowserPage
{
    private readonly DevTools _devTools;
    private readonly string _session;
    private readonly string _target;

    internal BrowserPage(DevTools devTools, string target, string session)
    {
        _devTools = devTools;
        _target = target;
        _session = session;
        devTools.EventReceived += (method, session, parameters) =>
        {
            if (session != _session)
            {
                return;
            }

            if (method == "Page.javascriptDialogOpening")
            {
                Dialogs.Add(parameters.GetProperty("message").GetString() ?? "");
                _ = _devTools.SendAsync("Page.handleJavaScriptDialog", new JsonObject { ["accept"] = false }, _session);
            }
            else if (method == "Network.responseReceived")
            {
                var response = parameters.GetProperty("response");
                Responses.Enqueue((response.GetProperty("url").GetString()!, response.GetProperty("status").GetInt32()));
            }
            else if (method == "Runtime.exceptionThrown")
            {
                Errors.Add(parameters.GetProperty("exceptionDetails").GetRawText());
            }
            else if (method == "Runtime.consoleAPICalled" && parameters.GetProperty("type").GetString() == "error")
            {
                Errors.Add(parameters.GetProperty("args").GetRawText());
            }
        };
    }

    /// <summary>The messages of alert/confirm/prompt dialogs the page opened (each dismissed).</summary>
    public List<string> Dialogs { get; } = [];

    /// <summary>Uncaught exceptions and console errors of the page's scripts.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Each response the page received: its URL and status.</summary>
    public ConcurrentQueue<(string Url, int Status)> Responses { get; } = [];

    internal async Task EnableAsync()
    {
        await Send("Page.enable");
        await Send("Runtime.enable");
        await Send("Network.enable");
    }

    public Task<JsonElement> Send(string method, JsonObject? parameters = null) => _devTools.SendAsync(method, parameters, _session);

    public async Task NavigateAsync(string url)
    {
        var result = await Send("Page.navigate", new JsonObject { ["url"] = url });
        if (result.TryGetProperty("errorText", out var error))
        {
            throw new InvalidOperationException($"Navigating to {url} failed: {error.GetString()}");
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> (promises awaited) and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await Send("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"The page threw evaluating `{expression}`: {exception.GetRawText()}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Waits until <paramref name="condition"/> (a JavaScript expression) is true, polling the page.</summary>
    public async Task WaitForAsync(string condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                if (await EvaluateAsync($"Boolean({condition})") is { ValueKind: JsonValueKind.True })
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                // The page is between documents (a navigation): try again.
            }

            if (DateTime.UtcNow >= deadline)
            {
                var where = await EvaluateAsync("location.href + ' ' + (document.body ? document.body.innerText.slice(0, 500) : '')");
                throw new TimeoutException($"`{condition}` did not become true; the page is {where}. Script errors: {string.Join("; ", Errors)}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A PNG of the whole page (brought to the front: a background tab paints nothing).</summary>
    public async Task<byte[]> ScreenshotAsync()
    {
        await Send("Page.bringToFront");
        var shot = await Send("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(shot.GetProperty("data").GetString()!);
    }

    /// <summary>Closes the tab.</summary>
    public Task CloseAsync() => _devTools.SendAsync("Target.closeTarget", new JsonObject { ["targetId"] = _target });
}
