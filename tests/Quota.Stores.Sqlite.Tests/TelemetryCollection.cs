namespace Quota.Tests;

/// <summary>Tests that attach OpenTelemetry's providers, which hear the whole process: they run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
