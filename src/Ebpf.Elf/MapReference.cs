namespace Ebpf.Elf;

/// <summary>
/// A resolved map relocation: the lddw at <see cref="InstructionIndex"/> (slot index in the linked program) refers
/// to <c>Maps[MapIndex]</c>; for <see cref="MapReferenceKind.MapValue"/> at byte <see cref="Offset"/> of its value.
/// The instruction already carries src = kind and imm = map index (and the second slot's imm = offset); the runtime
/// patches the real addresses from this list.
/// </summary>
public readonly record struct MapReference(int InstructionIndex, int MapIndex, MapReferenceKind Kind, uint Offset);
