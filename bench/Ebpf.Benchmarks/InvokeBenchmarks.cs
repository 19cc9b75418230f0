using BenchmarkDotNet.Attributes;
using Ebpf.Extensions.Sample;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;

namespace Ebpf.Benchmarks;

/// <summary>
/// Cost of invoking a trivial program (r0 = 1) from C#: the raw JIT executor, the raw interpreter, and the full
/// <see cref="EbpfProgram.Invoke(void*)"/> path (epoch + processor slot + invocation state + binding).
/// </summary>
public unsafe class InvokeBenchmarks
{
    private JitExecutor _jit = null!;
    private Interpreter _interpreter = null!;
    private EbpfProgram _program = null!;
    private ProgramContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        var code = Assembler.Assemble("mov %r0, 1\nexit");
        _jit = JitCompiler.Compile(code);
        _interpreter = new Interpreter(code);
        var registry = new ExtensionRegistry(_ => null);
        registry.Load(new SampleExtension());
        _program = registry.LoadProgram(new ProgramLoadRequest("trivial", "sample_ext", WellKnownProgramTypes.SampleGuid, [.. code])
        {
            Unverified = true,
        });
        _context = new SampleContextFactory().Create(new byte[32], []);
    }

    [GlobalCleanup]
    public void Cleanup() => _context.Dispose();

    [Benchmark(Baseline = true)]
    public ulong JitExecutorRun() => _jit.Run(new ExecutionRequest { R1 = (ulong)_context.Context });

    [Benchmark]
    public ulong InterpreterRun() => _interpreter.Run(new ExecutionRequest { R1 = (ulong)_context.Context });

    [Benchmark]
    public ulong EbpfProgramInvoke() => _program.Invoke(_context.Context).ReturnValue;

    /// <summary>The part of <see cref="EbpfProgram.Invoke(void*)"/> that is neither the program nor the executor.</summary>
    [Benchmark]
    public int ExecutionScopeOnly()
    {
        using var scope = ProgramExecutionScope.Enter();
        return scope.Processor;
    }
}
