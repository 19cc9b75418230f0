namespace Ebpf.Verifier.Ir;

/// <summary>bpf-to-bpf call; <see cref="Target"/> is the callee's first slot.</summary>
public sealed record CallLocalInstruction(int Target) : IrInstruction;
