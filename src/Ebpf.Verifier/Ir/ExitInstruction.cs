namespace Ebpf.Verifier.Ir;

public sealed record ExitInstruction : IrInstruction;
