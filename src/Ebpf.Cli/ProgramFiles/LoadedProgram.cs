using Ebpf.Isa;

namespace Ebpf.Cli.ProgramFiles;

/// <summary>
/// One program read from a file: its name (file or section/function) and its slots. <see cref="Notes"/> holds, by
/// slot index, comment lines to print before that slot (function labels, C source lines, map names) when the file
/// format knows them (ELF objects with BTF line info).
/// </summary>
public sealed record LoadedProgram(string Name, Instruction[] Instructions, IReadOnlyDictionary<int, IReadOnlyList<string>>? Notes = null);
