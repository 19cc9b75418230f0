namespace Ebpf.Verifier.Ir;

/// <summary>A slot that does not decode to a valid instruction.</summary>
public sealed record InvalidInstruction(string Reason) : IrInstruction;
