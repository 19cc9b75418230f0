using System.Collections.Immutable;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Tests.Helpers;

/// <summary>Runs core helpers directly, inside interpreted programs, and inside programs loaded through a registry.</summary>
internal static unsafe class HelperHarness
{
    /// <summary>A program type for these tests: a 32-byte context with data/data_end pointers at 0 and 8.</summary>
    public static readonly ProgramTypeDescriptor TestType =
        new("helper_test", new ContextDescriptor(32, 0, 8, -1), new Guid("5e1f0c0a-7d3b-4e84-9a51-2b6c1d0e9f01"), 9001);

    /// <summary>Calls a helper as an unchecked run would (no state, no regions).</summary>
    public static ulong Call(HelperFunction helper, ulong r1 = 0, ulong r2 = 0, ulong r3 = 0, ulong r4 = 0, ulong r5 = 0)
    {
        var context = default(HelperCallContext);
        return helper(r1, r2, r3, r4, r5, ref context);
    }

    public static ulong Call(uint id, ulong r1 = 0, ulong r2 = 0, ulong r3 = 0, ulong r4 = 0, ulong r5 = 0) =>
        Call(CoreHelpers.Find(id) ?? throw new ArgumentException($"no core helper {id}"), r1, r2, r3, r4, r5);

    /// <summary>Runs assembly in the interpreter with every core helper; r1 = memory, r2 = its length.</summary>
    public static ulong Run(string asm, Span<byte> memory, ExecutionMode mode = ExecutionMode.Unchecked) =>
        new Interpreter(Assembler.Assemble(asm), CoreHelpers.CreateTable(), new InterpreterOptions { Mode = mode }).Run(memory);

    public static ulong Run(string asm, ExecutionMode mode = ExecutionMode.Unchecked) => Run(asm, new byte[8], mode);

    /// <summary>A registry with the core helpers and one provider for <see cref="TestType"/>.</summary>
    public static ExtensionRegistry NewRegistry()
    {
        var registry = new ExtensionRegistry(CoreHelpers.Find);
        registry.Register(new ProgramInformationProvider("helper-tests", TestType));
        return registry;
    }

    public static EbpfProgram Load(ExtensionRegistry registry, string name, string asm) =>
        registry.LoadProgram(new ProgramLoadRequest(name, name, TestType.ProgramType, Code(asm)) { Unverified = true });

    public static ImmutableArray<Instruction> Code(string asm) => [.. Assembler.Assemble(asm)];

    /// <summary>Invokes a loaded program on a fresh context of <see cref="TestType"/>.</summary>
    public static ulong Invoke(EbpfProgram program)
    {
        using var context = new ProgramContext(32, 0, 0, 8);
        var result = program.Invoke(context.Context);
        Assert.True(result.Ran, $"invocation failed: {result.Result}");
        return result.ReturnValue;
    }

    public static long Signed(ulong value) => (long)value;
}
