using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Ebpf.MapBenchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project bench/Ebpf.MapBenchmarks -- --quick-helpers   (Stopwatch pass, program helper path)
if (args.Contains("--quick-helpers"))
{
    Ebpf.MapBenchmarks.QuickHelperRun.Run(Console.Out);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Ebpf.MapBenchmarks.MapOperationBenchmarks).Assembly).Run(args);
