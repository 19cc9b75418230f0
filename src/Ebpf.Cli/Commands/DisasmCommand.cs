using System.CommandLine;
using Ebpf.Cli.ProgramFiles;
using Ebpf.Isa;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf disasm prog.bin</c>: print a program in the assembly syntax (re-assemblable), or as a listing.</summary>
public static class DisasmCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input") { Description = "Program file: a raw image of 8-byte slots, or assembly text (.s)." };
        var listing = new Option<bool>("--listing", "-l") { Description = "Prefix each instruction with its slot index (not re-assemblable)." };
        var command = new Command("disasm", "Disassemble a program into the conformance assembly syntax.") { input, listing };
        command.SetAction(parseResult => CommandErrors.Run(parseResult, stdout =>
        {
            var programs = ProgramFileReader.Read(parseResult.GetRequiredValue(input).FullName);
            bool withIndices = parseResult.GetValue(listing);
            foreach (var program in programs)
            {
                if (programs.Count > 1) stdout.WriteLine($"# {program.Name}");
                stdout.Write(withIndices ? Disassembler.Listing(program.Instructions) : Disassembler.Disassemble(program.Instructions));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
