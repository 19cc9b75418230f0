namespace Ebpf.Verifier.Ir;

public sealed record CallHelperInstruction(int HelperId) : IrInstruction;
