namespace Ebpf.Verifier.Ir;

/// <summary>
/// A memory access of <see cref="Width"/> bytes at <c>base + offset</c>. A load writes <see cref="Value"/>'s register
/// (sign-extending when <see cref="SignExtend"/>); a store writes the register or the immediate.
/// </summary>
public sealed record MemoryInstruction(byte Base, short Offset, int Width, bool IsLoad, Operand Value, bool SignExtend = false) : IrInstruction;
