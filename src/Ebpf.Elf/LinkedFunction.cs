namespace Ebpf.Elf;

/// <summary>
/// A function placed in a linked program: its first slot there, its length, and where it came from, with its BTF
/// <see cref="Signature"/> when the object carries BTF (a global function's callers must pass arguments of those types).
/// </summary>
public sealed record LinkedFunction(string Name, int InstructionIndex, int InstructionCount, string SectionName,
    int SectionInstructionIndex, BpfProgramKind Kind, FunctionSignature? Signature = null);
