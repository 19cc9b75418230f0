using BenchmarkDotNet.Running;

namespace Ebpf.Benchmarks;

/// <summary>
/// `run ...` (see <see cref="ObjectRunner"/>), `compile-samples ...` (see <see cref="SampleCompileTimes"/>), or
/// BenchmarkDotNet arguments (e.g. `--filter '*' --job short`).
/// </summary>
public static class Program
{
    public static int Main(string[] args) => args.FirstOrDefault() switch
    {
        "run" => ObjectRunner.Execute(args[1..]),
        "compile-samples" => SampleCompileTimes.Execute(args[1..]),
        _ => Run(args),
    };

    private static int Run(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
