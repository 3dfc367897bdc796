using System.Diagnostics;

namespace Quota.Samples.WebApi.Tests.Support;

/// <summary>Runs a command line with bash, as a reader pastes it into a terminal, and returns what it printed.</summary>
public static class Shell
{
    public static async Task<string> RunAsync(string command, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { "-c", command },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // Loopback requests never go through a proxy the machine may have configured.
        foreach (var name in new[] { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{command}` did not finish in time.");
        }

        var printed = await output;
        var errors = await error;
        return process.ExitCode == 0 ? printed : throw new InvalidOperationException($"`{command}` exited with {process.ExitCode}: {errors}{printed}");
    }
}
