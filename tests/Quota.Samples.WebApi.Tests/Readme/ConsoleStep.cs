namespace Quota.Samples.WebApi.Tests.Readme;

/// <summary>One command of a console session and the output the README shows for it.</summary>
public sealed record ConsoleStep(string Command, string Output, int Line)
{
    public bool IsComment => Command.StartsWith('#');

    public bool IsRestart => IsComment && Command.Contains("restarted", StringComparison.Ordinal);
}
