namespace Ebpf.Verifier.Ir;

/// <summary>An atomic read-modify-write <c>lock *(width *)(base + offset) op= src</c>.</summary>
public sealed record AtomicInstruction(Isa.AtomicOp Op, byte Base, short Offset, int Width, byte Src) : IrInstruction;
