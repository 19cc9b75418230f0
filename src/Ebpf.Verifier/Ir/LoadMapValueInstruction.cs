namespace Ebpf.Verifier.Ir;

/// <summary>lddw src 2/6: <c>dst = address of the value of map(imm) + offset</c>.</summary>
public sealed record LoadMapValueInstruction(byte Dst, int MapReference, int Offset, bool ByIndex) : IrInstruction;
