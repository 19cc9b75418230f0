namespace Ebpf.Elf;

/// <summary>A function placed in a linked program: its first slot there, its length, and where it came from.</summary>
public sealed record LinkedFunction(string Name, int InstructionIndex, int InstructionCount, string SectionName,
    int SectionInstructionIndex, BpfProgramKind Kind);
