namespace Ebpf.Elf;

/// <summary>
/// A BTF line_info record placed in a linked program: instructions from <see cref="InstructionIndex"/> up to the
/// next record's index come from this C source position. <see cref="Column"/> is 0 when the compiler gave none.
/// </summary>
public sealed record SourceLine(int InstructionIndex, string FileName, int Line, int Column, string Text);
