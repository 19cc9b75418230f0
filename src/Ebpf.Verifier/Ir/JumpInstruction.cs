namespace Ebpf.Verifier.Ir;

/// <summary>Unconditional jump when <see cref="Condition"/> is null.</summary>
public sealed record JumpInstruction(Condition? Condition, int Target) : IrInstruction;
