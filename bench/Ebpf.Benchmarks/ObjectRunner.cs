using System.Diagnostics;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Programs;

namespace Ebpf.Benchmarks;

/// <summary>
/// `run [--repeat N] [--engine jit|interpreter] case...`: what compare.sh runs on this side. For each case prints
/// "label return-value ns-per-run", timing the test run's repeat loop of N runs (<see cref="Ebpf.Runtime.Programs.EbpfProgram.InvokeRepeated"/>,
/// as BPF_PROG_TEST_RUN's repeat and <c>ebpf test-run --repeat</c>) after a warm-up, in thread CPU time (see
/// <see cref="ThreadCpuClock"/>), then on the JIT the IL bytes of the entry program and how the .NET JIT compiled it
/// (<see cref="JitCodeObserver.Describe"/>: "optimized", "optimized/N" for N regions, or "MINOPTS:...").
/// </summary>
public static class ObjectRunner
{
    public static int Execute(string[] args)
    {
        long repeat = 100_000;
        var engine = ExecutionEngine.Jit;
        var cases = new List<BenchCase>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repeat": repeat = long.Parse(args[++i]); break;
                case "--engine": engine = Enum.Parse<ExecutionEngine>(args[++i], ignoreCase: true); break;
                default: cases.Add(BenchCase.Find(args[i])); break;
            }
        }
        if (cases.Count == 0) cases.AddRange(BenchCase.All);
        using var observer = new JitCodeObserver(); // before compiling: the runtime reports each method as it compiles it
        foreach (var benchCase in cases)
        {
            using var harness = new BenchHarness(benchCase, engine);
            ulong result = 0;
            // Warm up for at least 200 ms (tiered compilation, caches), as BenchmarkDotNet would.
            long warmupStart = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < 200) result = harness.RunRepeated(Math.Max(1, repeat / 10));
            double start = ThreadCpuClock.NowNanoseconds();
            result = harness.RunRepeated(repeat);
            double ns = (ThreadCpuClock.NowNanoseconds() - start) / repeat;
            string compiled = harness.Program.Executor is JitExecutor jit
                ? $" {jit.IlSize} {observer.Describe(jit, TimeSpan.FromSeconds(10))}" : " - -";
            Console.WriteLine($"{benchCase.Label} {(uint)result} {ns:F2}{compiled}");
        }
        return 0;
    }
}
