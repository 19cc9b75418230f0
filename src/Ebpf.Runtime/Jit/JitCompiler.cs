using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Compiles eBPF to CIL (dynamic methods) which the .NET JIT compiles to native code: a method per bpf-to-bpf
/// function where local calls can be real calls, else one for the program (local calls as inline frames); a function
/// whose method would exceed the JIT's optimizer limits becomes regions of methods (see <see cref="JitEmitter"/>):
/// the .NET JIT compiles a method above its limits without optimization. Semantics are exactly the interpreter's.
/// </summary>
public static class JitCompiler
{
    /// <summary>Share of the JIT's limits up to which a program stays one method (the JIT adds blocks of its own).</summary>
    private const double OneMethodFraction = 0.9;

    /// <summary>Share of the JIT's limits a region's instructions may use.</summary>
    private const double RegionFraction = 0.6;

    private static int s_serial;

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

        string name = $"ebpf_program_{Interlocked.Increment(ref s_serial)}";
        var (emitter, emission) = Emit(code, wideValues, callTargets, helpers, options, name, DefineDynamicMethod, relocatable: false);
        var entry = (JitEntry)((DynamicMethod)emission.Entry).CreateDelegate(typeof(JitEntry), emission.Closure);
        // Compile to native code now (as a kernel JIT does at load), not on the first invocation.
        RuntimeHelpers.PrepareDelegate(entry);
        foreach (var method in emission.Methods.Skip(1).Cast<DynamicMethod>())
            RuntimeHelpers.PrepareDelegate(method.CreateDelegate(method.ReturnType == typeof(int) ? typeof(JitRegion)
                : Expression.GetDelegateType([.. method.GetParameters().Select(p => p.ParameterType), method.ReturnType])));
        return new JitExecutor(entry, code, helpers, options, Stopwatch.GetElapsedTime(start), emission.IlSize,
            [.. emission.Methods.Select(m => m.Name)], emitter.HasLocalCalls, emitter.UsesStack, emitter.CallsTailCall)
        {
            LoopIdioms = emission.LoopIdioms,
            FloorLog2s = emission.FloorLog2s,
        };
    }

    /// <summary>
    /// Writes a prepared program into methods <paramref name="define"/> makes: first into dynamic methods, to measure
    /// each function against the .NET JIT's limits, then, when a function needs regions or the methods are to be
    /// <paramref name="define"/>'s (a native module's), once more, each function whole or as regions.
    /// </summary>
    internal static (JitEmitter Emitter, JitEmission Emission) Emit(Instruction[] code, ulong[] wideValues, HelperFunction?[] callTargets,
        HelperTable helpers, JitOptions options, string name, JitMethodFactory define, bool relocatable)
    {
        var emitter = new JitEmitter(code, wideValues, callTargets, helpers, options, DefineDynamicMethod, relocatable);
        var plans = new IReadOnlyList<int>?[emitter.Functions.Count];
        var emission = emitter.Emit(name, plans);
        for (int f = 0; f < plans.Length; f++)
        {
            if (options.MaxRegionInstructions <= 0 && (options.OneMethodOnly || emission.Largest[f].Within(OneMethodFraction))) continue;
            var (functionStart, functionEnd) = emitter.Functions[f];
            plans[f] = JitRegionPlanner.Plan(code, emitter.Starts, functionStart, functionEnd, emission.CostBefore[f]!, RegionFraction,
                options.MaxRegionInstructions);
        }
        if (plans.Any(p => p is not null) || define != DefineDynamicMethod)
        {
            // A function too large to be optimized as one method: the program is written again, that function as
            // regions (the first methods are never compiled).
            emitter = new JitEmitter(code, wideValues, callTargets, helpers, options, define, relocatable);
            emission = emitter.Emit(name, plans);
        }
        return (emitter, emission);
    }

    /// <summary>Decodes, validates and compiles a raw program image.</summary>
    public static JitExecutor Compile(ReadOnlySpan<byte> image, HelperTable? helpers = null, JitOptions? options = null) =>
        Compile(ProgramDecoder.Decode(image), helpers, options);

    internal static readonly JitMethodFactory DefineDynamicMethod = DefineDynamic;

    private static MethodInfo DefineDynamic(string name, Type returnType, Type[] parameters, out ILGenerator il)
    {
        var method = new DynamicMethod(name, returnType, parameters, typeof(JitEmitter).Module, skipVisibility: true)
        {
            InitLocals = false, // the frame-save area needs no clearing; registers are cleared explicitly
        };
        il = method.GetILGenerator(256);
        return method;
    }
}
