using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Testing;
using Quota.Samples.WebApi.Tests.Support;

namespace Quota.Samples.WebApi.Tests.Readme;

/// <summary>
/// The READMEs' curl sessions against the web sample are run as written — each command with bash and curl, against the
/// sample's own Program (WebApplicationFactory, served by Kestrel on a free port, on a new SQLite file) — and must print
/// what the README shows, modulo dates: the <c>Date</c> header, instants, and the seconds until a reset (<c>t=</c>,
/// <c>Retry-After</c>). The sample's clock is set to the session's first <c>Date</c>, so a month is as long as the
/// README's. A README that drifts from the code fails here.
/// </summary>
public sealed partial class ReadmeWalkthroughTests
{
    private static readonly string[] Readmes = ["README.md", "src/Quota.AspNetCore/README.md"];

    public static TheoryData<string> Sessions()
    {
        var data = new TheoryData<string>();
        foreach (var session in Readmes.SelectMany(readme => ConsoleSession.Read(Repository.Path(readme.Split('/')))))
        {
            data.Add(session.ToString());
        }

        return data;
    }

    [Theory]
    [InlineData("README.md", 2)]
    [InlineData("src/Quota.AspNetCore/README.md", 1)]
    public void Each_readme_shows_sessions_of_the_sample(string readme, int sessions)
        => Assert.Equal(sessions, ConsoleSession.Read(Repository.Path(readme.Split('/'))).Count());

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task The_session_prints_what_the_readme_shows(string name)
    {
        var session = Readmes.SelectMany(readme => ConsoleSession.Read(Repository.Path(readme.Split('/')))).Single(s => s.ToString() == name);
        using var folder = new TemporaryFolder("quota-readme-");
        var clock = session.StartedAt is { } startedAt ? new FakeClock(Instant.FromDateTimeOffset(startedAt)) : null;
        var factory = new SampleFactory(folder.File("quota.db"), clock);
        var address = factory.Start();
        try
        {
            foreach (var step in session.Steps)
            {
                if (step.IsRestart)
                {
                    await factory.DisposeAsync();
                    factory = new SampleFactory(folder.File("quota.db"), clock);
                    address = factory.Start();
                    continue;
                }

                if (step.IsComment)
                {
                    continue;
                }

                var origin = address.GetLeftPart(UriPartial.Authority);
                var expected = Normalize(step.Output);
                var actual = "";
                for (var attempt = 0; attempt < 20; attempt++)
                {
                    var printed = await Shell.RunAsync(step.Command.Replace(ConsoleSession.Address, origin, StringComparison.Ordinal));
                    actual = Normalize(printed.Replace(origin, ConsoleSession.Address, StringComparison.Ordinal));

                    // Threshold alerts are marked in the background, a moment after the request that crossed one: a read
                    // may be repeated until it shows them. A command that changes something runs once.
                    if (expected == actual || !IsRead(step.Command))
                    {
                        break;
                    }

                    await Task.Delay(100);
                }

                if (expected != actual)
                {
                    Assert.Fail($"{session.File}:{step.Line}: `{step.Command}` printed (normalized):\n{actual}\n\nwhere the README shows (normalized):\n{expected}");
                }
            }
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }

    private static bool IsRead(string command)
        => command.StartsWith("curl ", StringComparison.Ordinal) && !command.Contains(" -d ", StringComparison.Ordinal) && !command.Contains(" -X ", StringComparison.Ordinal);

    /// <summary>What may differ between the README's run and this one: dates, and the seconds until a reset.</summary>
    internal static string Normalize(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        text = DateHeader().Replace(text, "Date: <date>");
        text = IsoInstant().Replace(text, "<instant>");
        text = FileInstant().Replace(text, "<instant>");
        text = Seconds().Replace(text, "$1<seconds>");
        return string.Join('\n', text.Split('\n').Select(line => line.TrimEnd())).Trim('\n');
    }

    [GeneratedRegex(@"^Date: .*$", RegexOptions.Multiline)]
    private static partial Regex DateHeader();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")]
    private static partial Regex IsoInstant();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(\.\d+)?Z")]
    private static partial Regex FileInstant();

    [GeneratedRegex(@"(Retry-After: |;t=)\d+")]
    private static partial Regex Seconds();
}
