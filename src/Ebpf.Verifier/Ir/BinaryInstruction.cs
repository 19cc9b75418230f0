namespace Ebpf.Verifier.Ir;

/// <summary><c>dst = dst op src</c> on 64 bits or (zero-extending) on 32 bits. <see cref="IsWideImmediate"/>: lddw.</summary>
public sealed record BinaryInstruction(BinaryOp Op, byte Dst, Operand Src, bool Is64, bool IsWideImmediate = false) : IrInstruction;
