namespace Ebpf.Verifier.Ir;

/// <summary>Continue only on the executions where the condition holds (PREVAIL's <c>assume</c>).</summary>
public sealed record AssumeInstruction(Condition Condition) : IrInstruction;
