using BenchmarkDotNet.Attributes;
using Ebpf.Extensions.Sample;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;

namespace Ebpf.Benchmarks;

/// <summary>
/// Cost of invoking a program from C#: a trivial one (r0 = 1) on the raw JIT executor, the raw interpreter and
/// <see cref="EbpfProgram.Invoke(void*)"/> (binding and metrics checks; it needs no invocation scope, so it runs from the
/// invoker's frame); the same trivial program with a map reference, which needs the scope (epoch + invocation state,
/// no processor slot); a verified program doing one hash-map lookup through <see cref="EbpfProgram.Invoke(void*)"/>,
/// on a shared map (no slot) and on a per-CPU map (which leases a processor slot); and one tail call (the trivial
/// program in slot 0 of a program array) per <see cref="EbpfProgram.Invoke(void*)"/>: the first hop of an invocation
/// (the invocation leases a processor slot, as every program that tail-calls does: its targets may need one).
/// </summary>
public unsafe class InvokeBenchmarks
{
    private JitExecutor _jit = null!;
    private Interpreter _interpreter = null!;
    private EbpfProgram _program = null!;
    private EbpfProgram _scopedProgram = null!;
    private EbpfProgram _lookup = null!;
    private EbpfProgram _perCpuLookup = null!;
    private EbpfMap _map = null!;
    private EbpfMap _perCpuMap = null!;
    private EbpfMap _programArray = null!;
    private EbpfProgram _tailCaller = null!;
    private ProgramContext _context = null!;

    /// <summary>Looks up key 0 in map 0 and returns whether it was found.</summary>
    private const string OneLookup = """
        stw [%r10-4], 0
        lddw %r1, map_fd 0
        mov %r2, %r10
        add %r2, -4
        call 1
        mov %r1, %r0
        mov %r0, 0
        jeq %r1, 0, +1
        mov %r0, 1
        exit
        """;

    [GlobalSetup]
    public void Setup()
    {
        var code = Assembler.Assemble("mov %r0, 1\nexit");
        _jit = JitCompiler.Compile(code);
        _interpreter = new Interpreter(code);
        var registry = new ExtensionRegistry(CoreHelpers.Find, new AbstractInterpretationVerifier());
        registry.Load(new SampleExtension());
        _program = registry.LoadProgram(new ProgramLoadRequest("trivial", "sample_ext", WellKnownProgramTypes.SampleGuid, [.. code])
        {
            Unverified = true,
        });
        _map = CreateMap(MapType.Hash);
        _perCpuMap = CreateMap(MapType.PercpuHash);
        _scopedProgram = registry.LoadProgram(new ProgramLoadRequest("trivial_scoped", "sample_ext", WellKnownProgramTypes.SampleGuid,
            [.. Assembler.Assemble("lddw %r1, map_fd 0\nmov %r0, 1\nexit")])
        {
            Unverified = true,
            Maps = [_map.Definition],
            WideImmediates = (WideImmediate reference, out ulong value) =>
            {
                value = (ulong)_map.Handle;
                return reference.Source == PseudoSource.MapFd && reference.Imm == 0;
            },
        });
        _lookup = LoadLookup(registry, _map);
        _perCpuLookup = LoadLookup(registry, _perCpuMap);
        _programArray = MapFactory.Create(new MapDefinition(MapType.ProgArray, 4, 4, 1), "programs");
        ((ProgramArrayMap)_programArray).SetProgram(0, _program);
        _tailCaller = registry.LoadProgram(new ProgramLoadRequest("tail_caller", "sample_ext", WellKnownProgramTypes.SampleGuid,
            [.. Assembler.Assemble($"lddw %r2, 0x{_programArray.Handle:x}\nmov %r3, 0\ncall {GlobalHelpers.TailCall}\nmov %r0, 2\nexit")])
        {
            Unverified = true,
        });
        _context = new SampleContextFactory().Create(new byte[32], []);
        if (_tailCaller.Invoke(_context.Context).ReturnValue != 1)
            throw new InvalidOperationException("the tail call did not reach the trivial program");
        if (_lookup.RequiresProcessorSlot || !_perCpuLookup.RequiresProcessorSlot || _program.RequiresProcessorSlot || _scopedProgram.RequiresProcessorSlot)
            throw new InvalidOperationException("unexpected processor-slot requirement");
        if (_program.NeedsInvocationScope || !_scopedProgram.NeedsInvocationScope)
            throw new InvalidOperationException("unexpected invocation-scope requirement");
        if (_lookup.Invoke(_context.Context).ReturnValue != 1 || _perCpuLookup.Invoke(_context.Context).ReturnValue != 1)
            throw new InvalidOperationException("the lookup program did not find key 0");
    }

    private static EbpfMap CreateMap(MapType type)
    {
        var map = MapFactory.Create(new MapDefinition(type, 4, 8, 16), type.ToString());
        map.Update(new byte[4], new byte[map.UserValueSize]);
        return map;
    }

    private static EbpfProgram LoadLookup(ExtensionRegistry registry, EbpfMap map) =>
        registry.LoadProgram(new ProgramLoadRequest("lookup", "sample_ext", WellKnownProgramTypes.SampleGuid, [.. Assembler.Assemble(OneLookup)])
        {
            Maps = [map.Definition],
            WideImmediates = (WideImmediate reference, out ulong value) =>
            {
                value = (ulong)map.Handle;
                return reference.Source == PseudoSource.MapFd && reference.Imm == 0;
            },
        });

    [GlobalCleanup]
    public void Cleanup()
    {
        _context.Dispose();
        _map.Dispose();
        _perCpuMap.Dispose();
        _programArray.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ulong JitExecutorRun() => _jit.Run(new ExecutionRequest { R1 = (ulong)_context.Context });

    [Benchmark]
    public ulong InterpreterRun() => _interpreter.Run(new ExecutionRequest { R1 = (ulong)_context.Context });

    [Benchmark]
    public ulong EbpfProgramInvoke() => _program.Invoke(_context.Context).ReturnValue;

    [Benchmark]
    public ulong ScopedTrivialInvoke() => _scopedProgram.Invoke(_context.Context).ReturnValue;

    [Benchmark]
    public ulong OneLookupInvoke() => _lookup.Invoke(_context.Context).ReturnValue;

    [Benchmark]
    public ulong PerCpuLookupInvoke() => _perCpuLookup.Invoke(_context.Context).ReturnValue;

    [Benchmark]
    public ulong TailCallInvoke() => _tailCaller.Invoke(_context.Context).ReturnValue;

    /// <summary>The part of <see cref="EbpfProgram.Invoke(void*)"/> that is neither the program nor the executor.</summary>
    [Benchmark]
    public int ExecutionScopeOnly()
    {
        using var scope = ProgramExecutionScope.Enter();
        return scope.Processor;
    }
}
