using System.Collections.Immutable;

namespace Ebpf.Verifier.Ir;

/// <summary>
/// A program in the verifier's representation, indexed by slot: the second slot of a wide load holds null.
/// </summary>
public sealed class IrProgram
{
    public IrProgram(ImmutableArray<IrInstruction?> slots)
    {
        if (slots.IsDefaultOrEmpty) throw new ArgumentException("A program needs at least one instruction.", nameof(slots));
        if (slots[0] is null) throw new ArgumentException("The first slot of a program must hold an instruction.", nameof(slots));
        Slots = slots;
    }

    public ImmutableArray<IrInstruction?> Slots { get; }

    public int Length => Slots.Length;

    /// <summary>The slot after <paramref name="pc"/>'s instruction, or <see cref="Length"/> past the end.</summary>
    public int Next(int pc)
    {
        int next = pc + 1;
        while (next < Slots.Length && Slots[next] is null) next++;
        return next;
    }
}
