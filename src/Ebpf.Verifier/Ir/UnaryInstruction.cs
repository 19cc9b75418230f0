namespace Ebpf.Verifier.Ir;

public sealed record UnaryInstruction(UnaryOp Op, byte Dst, bool Is64) : IrInstruction;
