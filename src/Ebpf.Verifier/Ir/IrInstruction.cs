namespace Ebpf.Verifier.Ir;

/// <summary>
/// An instruction of the verifier's program representation (PREVAIL style): decoded from eBPF slots, or parsed from
/// PREVAIL's assembly syntax, which adds <see cref="AssumeInstruction"/>. Jump targets are slot indices.
/// </summary>
public abstract record IrInstruction;
