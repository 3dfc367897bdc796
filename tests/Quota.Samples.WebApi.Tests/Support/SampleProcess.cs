using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Quota.Samples.WebApi.Tests.Support;

/// <summary>
/// The web sample as a real process — its own build output, as <c>dotnet run</c> starts it (content root: the sample's
/// folder, so its appsettings.json) — on a free loopback port and a new SQLite file, with extra settings on its command line.
/// </summary>
public sealed partial class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TemporaryFolder _folder;

    private SampleProcess(Process process, TemporaryFolder folder, Uri address, ConcurrentQueue<string> output)
    {
        _process = process;
        _folder = folder;
        Address = address;
        Output = output;
    }

    public Uri Address { get; }

    /// <summary>What the sample wrote to the console (its logs), line by line.</summary>
    public ConcurrentQueue<string> Output { get; }

    public string Url(string path) => new Uri(Address, path).ToString();

    public static async Task<SampleProcess> StartAsync(params string[] settings)
    {
        var folder = new TemporaryFolder("quota-sample-");
        // This assembly runs from bin/{configuration}/net10.0/: the sample was built beside it, in the same configuration.
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)))!;
        var project = Repository.Path("samples", "Quota.Samples.WebApi");
        var assembly = Path.Combine(project, "bin", configuration, "net10.0", "Quota.Samples.WebApi.dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException("The web sample is not built; the test project references it, so building the tests builds it.", assembly);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "exec", assembly, "--contentRoot", project, "--urls", "http://127.0.0.1:0", $"--Quota:Sqlite:ConnectionString=Data Source={folder.File("quota.db")}" }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("The sample exited before it listened:\n" + string.Join('\n', output)));
                return;
            }

            output.Enqueue(e.Data);
            if (Listening().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }

        process.OutputDataReceived += Read;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return new SampleProcess(process, folder, address, output);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the sample has logged a line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (Output.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The sample did not log '{text}'. It logged:\n{string.Join('\n', Output)}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _folder.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
