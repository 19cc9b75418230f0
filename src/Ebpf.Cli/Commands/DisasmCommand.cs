using System.CommandLine;
using System.Globalization;
using Ebpf.Cli.ProgramFiles;
using Ebpf.Isa;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf disasm prog.bin|prog.s|prog.o</c>: print programs in the assembly syntax (re-assemblable), or as a
/// listing. For ELF objects, function labels, map names and the C source lines (BTF line info) come first as
/// <c>#</c> comments, which the assembler ignores.
/// </summary>
public static class DisasmCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input") { Description = "Program file: an ELF object, a raw image of 8-byte slots, or assembly text (.s)." };
        var listing = new Option<bool>("--listing", "-l") { Description = "Prefix each instruction with its slot index (not re-assemblable)." };
        var noSource = new Option<bool>("--no-source") { Description = "Leave out the comments (labels, C source lines, maps) of ELF objects." };
        var program = new Option<string?>("--program", "-p") { Description = "Only the program with this name (ELF: function or section/function)." };
        var command = new Command("disasm", "Disassemble programs into the conformance assembly syntax.") { input, listing, noSource, program };
        command.SetAction(parseResult => CommandErrors.Run(parseResult, stdout =>
        {
            var programs = ProgramFileReader.Read(parseResult.GetRequiredValue(input).FullName);
            if (parseResult.GetValue(program) is { } wanted)
            {
                programs = [.. programs.Where(p => p.Name == wanted || p.Name.EndsWith("/" + wanted, StringComparison.Ordinal))];
                if (programs.Count == 0) throw new CliInputException($"no program named '{wanted}'");
            }
            bool withIndices = parseResult.GetValue(listing);
            bool withNotes = !parseResult.GetValue(noSource);
            foreach (var p in programs)
            {
                if (programs.Count > 1) stdout.WriteLine($"# {p.Name}");
                if (withNotes && p.Notes is { Count: > 0 } notes) WriteAnnotated(stdout, p.Instructions, notes, withIndices);
                else stdout.Write(withIndices ? Disassembler.Listing(p.Instructions) : Disassembler.Disassemble(p.Instructions));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteAnnotated(TextWriter output, Instruction[] program, IReadOnlyDictionary<int, IReadOnlyList<string>> notes, bool withIndices)
    {
        for (int i = 0; i < program.Length; i += program[i].Opcode == OpCodes.LdDw && i + 1 < program.Length ? 2 : 1)
        {
            if (notes.TryGetValue(i, out var lines))
                foreach (var line in lines) output.WriteLine($"# {line}");
            string text = Disassembler.Format(program, i);
            output.WriteLine(withIndices ? $"{i.ToString(CultureInfo.InvariantCulture).PadLeft(4)}: {text}" : text);
        }
    }
}
