using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Tests;

/// <summary>Shorthands for building interpreters from assembly text in tests.</summary>
internal static class Programs
{
    public static Interpreter Load(string asm, ExecutionMode mode = ExecutionMode.Unchecked, HelperTable? helpers = null,
        long budget = 0, WideImmediateResolver? resolver = null) =>
        new(Assembler.Assemble(asm), helpers, new InterpreterOptions { Mode = mode, InstructionBudget = budget, ResolveWideImmediate = resolver });

    public static ulong Run(string asm, ExecutionMode mode = ExecutionMode.Unchecked, byte[]? memory = null) =>
        Load(asm, mode).Run(memory ?? []);
}
