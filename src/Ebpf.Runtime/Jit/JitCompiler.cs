using System.Diagnostics;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Compiles eBPF to CIL (one <see cref="System.Reflection.Emit.DynamicMethod"/> per program, local calls as inline
/// frames) which the .NET JIT compiles to native code. Semantics are exactly the interpreter's.
/// </summary>
public static class JitCompiler
{
    /// <summary>
    /// Validates, prepares and compiles <paramref name="program"/>. Throws <see cref="InstructionDecodeException"/> for
    /// malformed instructions and <see cref="ProgramLoadException"/> for unknown helpers or unresolved lddw, as the
    /// interpreter does.
    /// </summary>
    public static JitExecutor Compile(ReadOnlySpan<Instruction> program, HelperTable? helpers = null, JitOptions? options = null)
    {
        long start = Stopwatch.GetTimestamp();
        ProgramDecoder.Validate(program);
        helpers ??= new HelperTable();
        options ??= new JitOptions();
        if (options.MaxCallDepth is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxCallDepth, "MaxCallDepth must be 1-64");
        if (options.InstructionBudget < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.InstructionBudget, "InstructionBudget must be >= 0");

        var code = program.ToArray();
        var wideValues = new ulong[code.Length];
        var callTargets = new HelperFunction?[code.Length];
        ProgramPreparation.Prepare(code, helpers, options.ResolveWideImmediate, wideValues, callTargets);

        var emitter = new JitEmitter(code, wideValues, callTargets, helpers, options);
        var entry = emitter.Emit(out int ilSize);
        return new JitExecutor(entry, code, helpers, options, Stopwatch.GetElapsedTime(start), ilSize, emitter.HasLocalCalls, emitter.UsesStack,
            emitter.CallsTailCall);
    }

    /// <summary>Decodes, validates and compiles a raw program image.</summary>
    public static JitExecutor Compile(ReadOnlySpan<byte> image, HelperTable? helpers = null, JitOptions? options = null) =>
        Compile(ProgramDecoder.Decode(image), helpers, options);
}
