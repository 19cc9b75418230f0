namespace Ebpf.Verifier.Ir;

/// <summary>lddw src 4 (BPF_PSEUDO_FUNC): <c>dst = the address of the subprogram at <see cref="Target"/></c>, a callback.</summary>
public sealed record LoadFunctionInstruction(byte Dst, int Target) : IrInstruction;
