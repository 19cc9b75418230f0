using BenchmarkDotNet.Attributes;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;

namespace Ebpf.Benchmarks;

/// <summary>
/// A loop of 100 helper calls: helpers called directly (static method, or non-virtual instance method on its
/// target) versus through their <see cref="HelperFunction"/> delegate (<see cref="JitOptions.DirectHelperCalls"/>).
/// </summary>
public class HelperCallBenchmarks
{
    private const string Loop = """
        mov %r6, 100
        mov %r7, 0
        loop:
        mov %r1, %r6
        call 1
        add %r7, %r0
        sub %r6, 1
        jne %r6, 0, loop
        mov %r0, %r7
        exit
        """;

    private JitExecutor _direct = null!, _viaDelegate = null!, _lambdaDirect = null!;

    [GlobalSetup]
    public void Setup()
    {
        var code = Assembler.Assemble(Loop);
        var statics = new HelperTable().Add(1, "add_one", AddOne);
        int captured = 1;
        var lambdas = new HelperTable().Add(1, "add_captured", (ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext c) => r1 + (ulong)captured);
        _direct = JitCompiler.Compile(code, statics);
        _viaDelegate = JitCompiler.Compile(code, statics, new JitOptions { DirectHelperCalls = false });
        _lambdaDirect = JitCompiler.Compile(code, lambdas);
    }

    private static ulong AddOne(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) => r1 + 1;

    [Benchmark(Baseline = true)]
    public ulong StaticDirect() => _direct.Run(default(ExecutionRequest));

    [Benchmark]
    public ulong StaticViaDelegate() => _viaDelegate.Run(default(ExecutionRequest));

    [Benchmark]
    public ulong ClosureInstanceDirect() => _lambdaDirect.Run(default(ExecutionRequest));
}
