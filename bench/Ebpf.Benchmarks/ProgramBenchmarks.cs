using BenchmarkDotNet.Attributes;
using Ebpf.Runtime.Programs;

namespace Ebpf.Benchmarks;

/// <summary>The bench/programs families (bench/build.sh first) on the JIT and the interpreter: one XDP run each.</summary>
public class ProgramBenchmarks
{
    private BenchHarness _harness = null!;

    public static IEnumerable<string> Cases => BenchCase.All.Select(c => c.Label);

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "prime";

    [Params(ExecutionEngine.Jit, ExecutionEngine.Interpreter)]
    public ExecutionEngine Engine { get; set; }

    [GlobalSetup]
    public void Setup() => _harness = new BenchHarness(BenchCase.Find(Case), Engine);

    [GlobalCleanup]
    public void Cleanup() => _harness.Dispose();

    [Benchmark]
    public ulong Run() => _harness.RunOnce();
}
