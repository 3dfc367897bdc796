using BenchmarkDotNet.Running;
using Quota.Benchmarks.Core;

// dotnet run -c Release --project benchmarks/Quota.Benchmarks -- --filter '*'
// dotnet run -c Release --project benchmarks/Quota.Benchmarks -- export --store sqlite --subjects 100000   (a billing run, measured)
if (args is ["export", ..])
{
    return await UsageExportRun.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
