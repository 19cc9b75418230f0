using System.Reflection;
using System.Reflection.Emit;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// An <see cref="ILGenerator"/> that counts what the .NET JIT's optimizer limits count: IL bytes, IL instructions,
/// local and argument references and (an upper bound of) basic blocks. Above any of the limits
/// (<see cref="JitMethodLimits"/>) the JIT compiles a method without optimization (MinOpts).
/// </summary>
internal sealed class CountingIlGenerator(ILGenerator il)
{
    private readonly HashSet<int> _targets = [];
    private int _blockEnds;

    public ILGenerator Inner => il;
    public int ILOffset => il.ILOffset;
    public int Instructions { get; private set; }
    public int LocalReferences { get; private set; }
    public int Locals { get; private set; }

    /// <summary>
    /// The counts so far, for one instruction's share or a region's total. Blocks: those a branch, return or throw
    /// ends plus every label something branches to (an upper bound of the JIT's count).
    /// </summary>
    public IlCounts Counts => new(ILOffset, Instructions, LocalReferences, _blockEnds + _targets.Count);

    public LocalBuilder DeclareLocal(Type type) { Locals++; return il.DeclareLocal(type); }
    public Label DefineLabel() => il.DefineLabel();
    public void MarkLabel(Label label) => il.MarkLabel(label);

    public void Emit(OpCode opcode)
    {
        Count(opcode);
        if (opcode.Value is >= 0x02 and <= 0x0d) LocalReferences++; // ldarg.0-3, ldloc.0-3, stloc.0-3
        if (opcode == OpCodes.Ret || opcode == OpCodes.Throw) _blockEnds++;
        il.Emit(opcode);
    }

    public void Emit(OpCode opcode, LocalBuilder local) { Count(opcode); LocalReferences++; il.Emit(opcode, local); }
    public void Emit(OpCode opcode, byte argument) { Count(opcode); LocalReferences++; il.Emit(opcode, argument); }
    public void Emit(OpCode opcode, int value) { Count(opcode); il.Emit(opcode, value); }
    public void Emit(OpCode opcode, long value) { Count(opcode); il.Emit(opcode, value); }
    public void Emit(OpCode opcode, MethodInfo method) { Count(opcode); il.Emit(opcode, method); }
    public void Emit(OpCode opcode, ConstructorInfo constructor) { Count(opcode); il.Emit(opcode, constructor); }
    public void Emit(OpCode opcode, FieldInfo field) { Count(opcode); il.Emit(opcode, field); }
    public void Emit(OpCode opcode, Type type) { Count(opcode); il.Emit(opcode, type); }

    public void Emit(OpCode opcode, Label label)
    {
        Count(opcode);
        _blockEnds++;
        _targets.Add(label.GetHashCode());
        il.Emit(opcode, label);
    }

    public void Emit(OpCode opcode, Label[] labels)
    {
        Count(opcode);
        _blockEnds++;
        foreach (var label in labels) _targets.Add(label.GetHashCode());
        il.Emit(opcode, labels);
    }

    private void Count(OpCode _) => Instructions++;
}

/// <summary>What <see cref="CountingIlGenerator"/> counts.</summary>
internal readonly record struct IlCounts(int IlBytes, int Instructions, int LocalReferences, int Blocks)
{
    public static IlCounts operator -(IlCounts a, IlCounts b) =>
        new(a.IlBytes - b.IlBytes, a.Instructions - b.Instructions, a.LocalReferences - b.LocalReferences, a.Blocks - b.Blocks);

    public static IlCounts operator +(IlCounts a, IlCounts b) =>
        new(a.IlBytes + b.IlBytes, a.Instructions + b.Instructions, a.LocalReferences + b.LocalReferences, a.Blocks + b.Blocks);

    public static IlCounts Max(IlCounts a, IlCounts b) => new(Math.Max(a.IlBytes, b.IlBytes), Math.Max(a.Instructions, b.Instructions),
        Math.Max(a.LocalReferences, b.LocalReferences), Math.Max(a.Blocks, b.Blocks));

    /// <summary>Whether every count is at most <paramref name="fraction"/> of the JIT's limit.</summary>
    public bool Within(double fraction) =>
        IlBytes <= JitMethodLimits.IlBytes * fraction && Instructions <= JitMethodLimits.Instructions * fraction &&
        LocalReferences <= JitMethodLimits.LocalReferences * fraction && Blocks <= JitMethodLimits.BasicBlocks * fraction;
}

/// <summary>
/// The release .NET JIT's fixed limits (DEFAULT_MIN_OPTS_* in the JIT's compiler.h): a method above any of them is
/// compiled with MinOpts, whatever was asked. Not configurable in a release runtime.
/// </summary>
internal static class JitMethodLimits
{
    public const int IlBytes = 60_000;
    public const int Instructions = 20_000;
    public const int BasicBlocks = 2_000;
    public const int Locals = 2_000;
    public const int LocalReferences = 8_000;
}
