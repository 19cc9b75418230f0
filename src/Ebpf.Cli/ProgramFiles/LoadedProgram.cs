using Ebpf.Isa;

namespace Ebpf.Cli.ProgramFiles;

/// <summary>One program read from a file: its name (file or section/function) and validated slots.</summary>
public sealed record LoadedProgram(string Name, Instruction[] Instructions);
