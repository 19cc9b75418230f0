using System.Text;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Maps;
using Ebpf.Isa;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Invocation;

/// <summary>
/// <see cref="EbpfProgram.NeedsInvocationScope"/>: a compiled program that calls nothing and references no runtime
/// memory runs from the invoker's frame (no epoch, thread state or helper context); every other program runs in the
/// scope. Both paths give the same results and allocate nothing per invocation.
/// </summary>
public unsafe class InvocationScopeTests
{
    [Theory]
    [InlineData("mov %r0, 1\nexit", false)]
    [InlineData("ldxw %r0, [%r1+4]\nexit", false)]
    [InlineData("lddw %r0, 0x123456789\nexit", false)] // a plain 64-bit constant
    [InlineData("call local +1\nexit\nmov %r0, 2\nexit", false)] // a local call is no helper (the stack keeps it scoped)
    [InlineData("call 9\nexit", true)]
    [InlineData("mov %r1, 9\ncall %r1\nexit", true)]
    public void OnlyProgramsThatCallNothingAndReferenceNoRuntimeMemoryRunWithoutTheScope(string asm, bool scoped)
    {
        var program = Load(NewRegistry(), "p", asm);
        Assert.Equal(scoped, program.NeedsInvocationScope);
    }

    /// <summary>The binding carries the compiled entry for the caller-frame run exactly when neither the scope nor a stack is needed.</summary>
    [Theory]
    [InlineData("mov %r0, 1\nexit", true)]
    [InlineData("ldxw %r0, [%r1+4]\nexit", true)]
    [InlineData("stxdw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit", false)] // no scope, but a stack
    [InlineData("call 9\nexit", false)]
    public void OnlyAScopeFreeStacklessProgramRunsFromTheCallersFrame(string asm, bool fromCallersFrame)
    {
        var program = Load(NewRegistry(), "p", asm);
        var binding = program.Binding!;
        Assert.Equal(fromCallersFrame, binding.Unscoped is not null);
        if (fromCallersFrame) Assert.Same(binding.Unscoped, binding.Jit!.CallerFrameEntry);
    }

    [Theory]
    [InlineData("lddw %r0, map_fd 0\nmov %r0, 0\nexit")]
    [InlineData("lddw %r0, map_value 0, 0\nmov %r0, 0\nexit")]
    public void AMapReferenceAloneKeepsTheScope(string asm)
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.Array, 4, 8, 1), "m");
        var program = NewRegistry().LoadProgram(new ProgramLoadRequest("ref", "ref", TestType.ProgramType, Code(asm))
        {
            Unverified = true,
            Maps = [map.Definition],
            WideImmediates = (WideImmediate reference, out ulong value) =>
            {
                value = (ulong)map.Handle;
                return true;
            },
        });
        Assert.True(program.NeedsInvocationScope);
    }

    [Fact]
    public void AnUnscopedProgramReadsItsContextAndR2()
    {
        var program = Load(NewRegistry(), "read", "ldxw %r0, [%r1+4]\nadd %r0, %r2\nexit");
        Assert.False(program.NeedsInvocationScope);
        using var context = new ProgramContext(32, 0, 0, 8);
        *(uint*)((byte*)context.Context + 4) = 40;
        Assert.Equal(40ul, program.Invoke(context.Context).ReturnValue);
        var result = program.Invoke(context.Context, default, r2: 2);
        Assert.True(result.Ran);
        Assert.Equal(42ul, result.ReturnValue);
    }

    [Fact]
    public void AnUnscopedProgramThatExhaustsItsBudgetThrowsAndLeavesNothingBehind()
    {
        var registry = NewRegistry();
        var loop = registry.LoadProgram(new ProgramLoadRequest("loop", "loop", TestType.ProgramType, Code("mov %r0, 0\nadd %r0, 1\nja -2"))
        {
            Unverified = true, InstructionBudget = 1000,
        });
        Assert.False(loop.NeedsInvocationScope);
        using var context = new ProgramContext(32, 0, 0, 8);
        Assert.Throws<InstructionBudgetExceededException>(() => loop.Invoke(context.Context));
        Assert.False(EpochManager.Shared.IsInsideEpoch);
        Assert.Equal(5ul, Load(registry, "after", "mov %r0, 5\nexit").Invoke(context.Context).ReturnValue);
    }

    [Fact]
    public void AnUnboundUnscopedProgramIsRefused()
    {
        var registry = new ExtensionRegistry(CoreHelpers.Find);
        var provider = new ProgramInformationProvider("leaves", TestType);
        registry.Register(provider);
        var program = Load(registry, "gone", "mov %r0, 1\nexit");
        registry.Unregister(provider);
        using var context = new ProgramContext(32, 0, 0, 8);
        Assert.True(program.Invoke(context.Context).ExtensionUnavailable);
    }

    /// <summary>
    /// Straight-line arithmetic on a context word, long enough that the JIT splits it into regions (the region
    /// methods and their state must not need the helper context either); the interpreter gives the expected value.
    /// </summary>
    [Fact]
    public void ALargeHelperFreeProgramInRegionsGivesTheInterpretersResult()
    {
        var asm = new StringBuilder("ldxw %r0, [%r1+4]\nmov %r3, 7\n");
        for (int i = 0; i < 6000; i++)
            asm.Append((i % 3) switch { 0 => $"add %r0, {i}\n", 1 => "xor %r0, %r3\n", _ => "mul %r3, 3\n" });
        asm.Append("exit\n");
        var registry = NewRegistry();
        var jit = Load(registry, "large", asm.ToString());
        var interpreted = registry.LoadProgram(new ProgramLoadRequest("large-i", "large-i", TestType.ProgramType, Code(asm.ToString()))
        {
            Unverified = true, Engine = ExecutionEngine.Interpreter,
        });
        Assert.False(jit.NeedsInvocationScope);
        Assert.True(jit.Executor is Runtime.Jit.JitExecutor { MethodNames.Count: > 1 }, "expected the program in regions");
        using var context = new ProgramContext(32, 0, 0, 8);
        *(uint*)((byte*)context.Context + 4) = 12345;
        Assert.Equal(interpreted.Invoke(context.Context).ReturnValue, jit.Invoke(context.Context).ReturnValue);
    }

    [Fact]
    public void InvocationsAllocateNothingOnEitherPath()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.Hash, 4, 8, 4), "m");
        map.Update(Bytes.Of(0u), Bytes.Of(7ul));
        var registry = new ExtensionRegistry(CoreHelpers.Find, new AbstractInterpretationVerifier());
        registry.Register(new ProgramInformationProvider("alloc-tests", TestType));
        var lookup = registry.LoadProgram(new ProgramLoadRequest("lookup", "lookup", TestType.ProgramType, Code("""
            stw [%r10-4], 0
            lddw %r1, map_fd 0
            mov %r2, %r10
            add %r2, -4
            call 1
            jeq %r0, 0, +1
            ldxdw %r0, [%r0]
            exit
            """))
        {
            Maps = [map.Definition],
            WideImmediates = (WideImmediate reference, out ulong value) =>
            {
                value = (ulong)map.Handle;
                return reference.Source == PseudoSource.MapFd && reference.Imm == 0;
            },
        });
        var trivial = Load(registry, "trivial", "mov %r0, 1\nexit");
        Assert.True(lookup.NeedsInvocationScope);
        Assert.False(trivial.NeedsInvocationScope);
        using var context = new ProgramContext(32, 0, 0, 8);
        foreach (var (program, expected) in new[] { (trivial, 1ul), (lookup, 7ul) })
        {
            for (int i = 0; i < 100; i++) program.Invoke(context.Context); // first-call allocations (thread state, participant)
            long before = GC.GetAllocatedBytesForCurrentThread();
            ulong sum = 0;
            for (int i = 0; i < 10_000; i++) sum += program.Invoke(context.Context).ReturnValue;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(10_000 * expected, sum);
            Assert.True(allocated == 0, $"{program.Name}: {allocated} bytes allocated over 10,000 invocations");
        }
    }
}
