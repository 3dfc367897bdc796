using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Quota.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
