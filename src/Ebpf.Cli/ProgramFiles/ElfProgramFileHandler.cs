using Ebpf.Elf;
using Ebpf.Isa;

namespace Ebpf.Cli.ProgramFiles;

/// <summary>
/// eBPF ELF objects: every program of the object (entry programs, global functions, callbacks), linked with its
/// subprograms, named <c>section/function</c>, with function labels, map names and C source lines as notes.
/// </summary>
public sealed class ElfProgramFileHandler : IProgramFileHandler
{
    public string Kind => "elf";

    public bool Recognises(string path, ReadOnlySpan<byte> header) =>
        header.Length >= 4 && header[0] == 0x7F && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F';

    public IReadOnlyList<LoadedProgram> Read(string path)
    {
        var obj = BpfObject.Open(path);
        return [.. obj.Programs.Select(p => new LoadedProgram($"{p.SectionName}/{p.Name}", [.. p.Instructions], NotesOf(obj, p)))];
    }

    /// <summary>Labels for each linked function, the C line where it changes, and the map each lddw refers to.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> NotesOf(BpfObject obj, BpfProgram program)
    {
        var notes = new Dictionary<int, List<string>>();
        void Add(int slot, string text)
        {
            if (!notes.TryGetValue(slot, out var list)) notes[slot] = list = [];
            list.Add(text);
        }
        foreach (var f in program.Functions)
            Add(f.InstructionIndex, $"<{f.Name}> ({f.Kind.ToString().ToLowerInvariant()}, {f.SectionName})");
        SourceLine? last = null;
        foreach (var line in program.SourceLines)
        {
            if (line.Line == 0 || (last is not null && last.Line == line.Line && last.FileName == line.FileName)) continue;
            Add(line.InstructionIndex, $"{Path.GetFileName(line.FileName)}:{line.Line}:{line.Column}  {line.Text.Trim()}");
            last = line;
        }
        foreach (var r in program.MapReferences)
            Add(r.InstructionIndex, r.Kind == MapReferenceKind.Map ? $"map {obj.Maps[r.MapIndex].Name}" : $"{obj.Maps[r.MapIndex].Name}+{r.Offset}");
        foreach (var u in program.UnresolvedCalls)
            Add(u.InstructionIndex, $"unresolved external function {u.Symbol}");
        return notes.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
    }
}
