using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Ebpf.MapBenchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(Ebpf.MapBenchmarks.MapOperationBenchmarks).Assembly).Run(args);
