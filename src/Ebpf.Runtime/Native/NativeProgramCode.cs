using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Native;

/// <summary>
/// One program's compiled methods in a loaded native module, and what binds them to one load: the executor of a
/// program loaded from the module is a <see cref="JitExecutor"/> over the module's entry method, closed over this
/// load's helper delegates and lddw values (maps, global data), prepared as the JIT prepares its dynamic methods.
/// </summary>
public sealed class NativeProgramCode
{
    private readonly NativeProgramEntry _entry;
    private readonly MethodInfo[] _methods;

    internal NativeProgramCode(NativeProgramEntry entry, Assembly assembly, string fileName)
    {
        _entry = entry;
        var type = assembly.GetType(entry.TypeName) ?? throw NativeModule.Invalid(fileName, $"program {entry.Name}: type {entry.TypeName} is missing");
        _methods = [.. entry.Methods.Select(name => type.GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw NativeModule.Invalid(fileName, $"program {entry.Name}: method {entry.TypeName}.{name} is missing"))];
        Executable = [.. NativeModule.Decode(entry.Executable, entry.Name, fileName)];
        Hash = Convert.FromHexString(entry.Hash);
        CreateExecutor = Bind;
    }

    public string Name => _entry.Name;
    public Guid ProgramType => _entry.ProgramType;
    public string ProgramTypeName => _entry.ProgramTypeName;
    public Guid AttachType => _entry.AttachType;

    /// <summary>The program-information hash the module carries, and its algorithm.</summary>
    public byte[] Hash { get; }
    public string HashAlgorithm => _entry.HashAlgorithm;

    /// <summary>The helpers the program calls, by id, with the names they had at compile time.</summary>
    public IReadOnlyList<(uint Id, string Name)> Helpers => [.. _entry.Helpers.Select(h => (h.Id, h.Name))];

    /// <summary>The code the methods were compiled from (context loads rewritten for the provider then).</summary>
    public ImmutableArray<Instruction> Executable { get; }

    public ExecutionMode Mode => _entry.Mode;
    public long InstructionBudget => _entry.InstructionBudget;
    public IReadOnlyList<string> MethodNames => _entry.Methods;

    /// <summary>The executor factory of programs loaded from this code (one delegate, so bindings can reuse an executor).</summary>
    internal Func<EbpfProgram, HelperTable, IProgramExecutor> CreateExecutor { get; }

    private JitExecutor Bind(EbpfProgram program, HelperTable helpers)
    {
        long start = Stopwatch.GetTimestamp();
        var code = program.ExecutableInstructions.ToArray();
        var wideValues = new ulong[code.Length];
        var callTargets = new HelperFunction?[code.Length];
        ProgramPreparation.Prepare(code, helpers, program.WideImmediates, wideValues, callTargets);
        var delegates = _entry.CallSitePcs.Select(pc => callTargets[pc]!).ToArray();
        var layouts = new long[_entry.ArrayLookupMaps.Length * JitClosure.ArrayLayoutFields];
        for (int k = 0; k < _entry.ArrayLookupMaps.Length; k++)
        {
            int at = _entry.ArrayLookupMaps[k];
            if (MapRegistry.TryGetByHandle((nint)wideValues[at]) is not ArrayMap array)
                throw new EbpfException(EbpfResult.InvalidArgument,
                    $"Program {program.Name}: the map its lookup at instruction {at} inlines is not an array map in this load");
            var (values, _, entryBytes, perCpuStride) = array.InlineLayout;
            layouts[k * JitClosure.ArrayLayoutFields] = values;
            layouts[k * JitClosure.ArrayLayoutFields + 1] = entryBytes;
            layouts[k * JitClosure.ArrayLayoutFields + 2] = perCpuStride;
        }
        var closure = new JitClosure(delegates, [.. delegates.Select(d => d.Target)], helpers, wideValues, layouts);
        var entry = (JitEntry)_methods[0].CreateDelegate(typeof(JitEntry), closure);
        // Compile to native code now, as the JIT does at load.
        foreach (var method in _methods) RuntimeHelpers.PrepareMethod(method.MethodHandle);
        var options = new JitOptions { Mode = _entry.Mode, InstructionBudget = _entry.InstructionBudget, MaxCallDepth = _entry.MaxCallDepth };
        return new JitExecutor(entry, code, helpers, options, Stopwatch.GetElapsedTime(start), _entry.IlSize,
            _entry.Methods, _entry.HasLocalCalls, _entry.UsesStack, _entry.CallsTailCall);
    }
}
