namespace Ebpf.Verifier.Ir;

/// <summary>lddw with a map reference: <c>dst = map_by_fd(imm)</c> (src 1) or <c>map_by_idx(imm)</c> (src 5).</summary>
public sealed record LoadMapInstruction(byte Dst, int MapReference, bool ByIndex) : IrInstruction;
