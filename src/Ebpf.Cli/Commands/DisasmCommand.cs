using System.CommandLine;
using System.Globalization;
using Ebpf.Elf;
using Ebpf.Isa;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf disasm &lt;object&gt; [--section S] [--program P]</c>: the linked instructions of each program, with
/// function labels, the maps lddw refers to, and the C source lines from BTF.ext interleaved.
/// </summary>
public static class DisasmCommand
{
    public static Command Create()
    {
        var command = new Command("disasm", "Disassemble the programs of an eBPF object file, interleaving C source lines.");
        var file = new Argument<FileInfo>("object") { Description = "The ELF object file." };
        var section = new Option<string?>("--section") { Description = "Only programs of this section." };
        var program = new Option<string?>("--program") { Description = "Only the program with this function name." };
        var noSource = new Option<bool>("--no-source") { Description = "Leave out the C source lines." };
        command.Arguments.Add(file);
        command.Options.Add(section);
        command.Options.Add(program);
        command.Options.Add(noSource);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var obj = ObjectDescriptions.Open(parse.GetRequiredValue(file), MapTypeNumbering.Windows, parse.InvocationConfiguration.Error);
            if (obj is null) return 1;
            var selected = obj.Programs.Where(p => (parse.GetValue(section) is not { } s || p.SectionName == s)
                && (parse.GetValue(program) is not { } n || p.Name == n)).ToList();
            if (selected.Count == 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: no program matches");
                return 1;
            }
            foreach (var p in selected) Write(obj, p, !parse.GetValue(noSource), output);
            return 0;
        });
        return command;
    }

    public static void Write(BpfObject obj, BpfProgram program, bool withSource, TextWriter output)
    {
        output.WriteLine($"{program.SectionName}/{program.Name} ({ObjectDescriptions.Kind(program.Kind)}, " +
            $"{ObjectDescriptions.ProgramType(program)}, {program.Instructions.Length} instructions):");
        var insns = program.Instructions.AsSpan();
        var functionAt = program.Functions.ToDictionary(f => f.InstructionIndex);
        var mapAt = program.MapReferences.ToDictionary(r => r.InstructionIndex);
        var lineAt = new Dictionary<int, SourceLine>();
        foreach (var l in program.SourceLines) lineAt[l.InstructionIndex] = l;
        SourceLine? last = null;
        for (int i = 0; i < insns.Length; i += insns[i].Opcode == OpCodes.LdDw && i + 1 < insns.Length ? 2 : 1)
        {
            if (functionAt.TryGetValue(i, out var f)) output.WriteLine($"<{f.Name}>:");
            if (withSource && lineAt.TryGetValue(i, out var line) && line.Line != 0
                && (last is null || last.Line != line.Line || last.FileName != line.FileName))
            {
                output.WriteLine($"    ; {line.Text.Trim()}  [{Path.GetFileName(line.FileName)}:{line.Line}:{line.Column}]");
                last = line;
            }
            string text = Disassembler.Format(insns, i);
            if (mapAt.TryGetValue(i, out var r))
                text += r.Kind == MapReferenceKind.Map ? $"  ; map {obj.Maps[r.MapIndex].Name}" : $"  ; {obj.Maps[r.MapIndex].Name}+{r.Offset}";
            else if (insns[i].Opcode == OpCodes.Call && insns[i].Src == PseudoSource.LocalCall)
            {
                int target = i + 1 + insns[i].Imm;
                var callee = program.Functions.LastOrDefault(x => x.InstructionIndex <= target);
                if (callee is not null && target < insns.Length) text += $"  ; {callee.Name}";
            }
            output.WriteLine($"{i.ToString(CultureInfo.InvariantCulture),6}: {text}");
        }
        output.WriteLine();
    }
}
