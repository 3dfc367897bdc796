using System.Globalization;
using System.Text.RegularExpressions;

namespace Quota.Samples.WebApi.Tests.Readme;

/// <summary>
/// A <c>```console</c> block of a README: commands (<c>$ …</c>) each followed by the output shown for it. A comment
/// command (<c>$ # …</c>) that says the sample <c>restarted</c> marks a restart of the sample on the same database.
/// </summary>
public sealed partial record ConsoleSession(string File, int Line, IReadOnlyList<ConsoleStep> Steps)
{
    /// <summary>The address every command of the READMEs talks to; the test points it at the sample it started.</summary>
    public const string Address = "http://127.0.0.1:5080";

    /// <summary>The time of the session: its first <c>Date</c> header, so calendar arithmetic (a month's length) matches what it shows.</summary>
    public DateTimeOffset? StartedAt => Steps
        .Select(step => DateHeader().Match(step.Output))
        .Where(match => match.Success)
        .Select(match => (DateTimeOffset?)DateTimeOffset.ParseExact(match.Groups[1].Value, "r", CultureInfo.InvariantCulture))
        .FirstOrDefault();

    public override string ToString() => $"{System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(File))}/{System.IO.Path.GetFileName(File)}:{Line}";

    /// <summary>Every console block of <paramref name="file"/> that talks to the web sample.</summary>
    public static IEnumerable<ConsoleSession> Read(string file)
    {
        var lines = System.IO.File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```console")
            {
                continue;
            }

            var start = i + 1;
            var steps = new List<ConsoleStep>();
            for (i = start; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                if (lines[i].StartsWith("$ ", StringComparison.Ordinal))
                {
                    steps.Add(new ConsoleStep(lines[i][2..], "", i + 1));
                }
                else if (steps.Count > 0)
                {
                    var last = steps[^1];
                    steps[^1] = last with { Output = last.Output + lines[i] + "\n" };
                }
            }

            if (steps.Any(step => step.Command.Contains(Address, StringComparison.Ordinal)))
            {
                yield return new ConsoleSession(file, start, steps);
            }
        }
    }

    [GeneratedRegex(@"^Date: (.+)$", RegexOptions.Multiline)]
    private static partial Regex DateHeader();
}
