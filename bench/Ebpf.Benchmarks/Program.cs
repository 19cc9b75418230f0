using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ebpf.Benchmarks;

/// <summary>
/// `run ...` (see <see cref="ObjectRunner"/>), `process-events` (see <see cref="ProcessEventBench"/>), `compile-samples ...` (see <see cref="SampleCompileTimes"/>), `xdp-samples`
/// (see <see cref="SampleXdpComparison"/>), `invoke` (see <see cref="QuickInvokeRun"/>), `--quick` (see <see cref="QuickPrimeRun"/>), or
/// BenchmarkDotNet arguments (e.g. `--filter '*Invoke*'`). Benchmarks run as a short job, in process: on a busy
/// two-core machine, building a separate benchmark executable takes longer than BenchmarkDotNet's build timeout.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => args.FirstOrDefault() switch
    {
        "run" => ObjectRunner.Execute(args[1..]),
        "compile-samples" => SampleCompileTimes.Execute(args[1..]),
        "xdp-samples" => SampleXdpComparison.Execute(args[1..]),
        "invoke" => QuickInvokeRun.Execute(args[1..]),
        "module-loads" => NativeModuleTimes.Execute(args[1..]),
        "process-events" => ProcessEventBench.Execute(args[1..]),
        "--quick" => QuickRun(),
        _ => Run(args),
    };

    private static int QuickRun()
    {
        QuickPrimeRun.Run();
        return 0;
    }

    private static int Run(string[] args)
    {
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
