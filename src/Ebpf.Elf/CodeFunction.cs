namespace Ebpf.Elf;

/// <summary>A function of a code section, in slots: where it starts, how long it is, and whether it is listed as a program.</summary>
internal sealed record CodeFunction(string Name, int Start, int Count, BpfProgramKind Kind, bool Listed);
