namespace Ebpf.Verifier.Ir;

/// <summary><c>callx reg</c>: call of the helper whose id the register holds.</summary>
public sealed record CallRegisterInstruction(byte Register) : IrInstruction;
