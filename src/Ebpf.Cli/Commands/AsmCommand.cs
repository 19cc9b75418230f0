using System.CommandLine;
using Ebpf.Isa;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf asm in.s -o out.bin</c>: assemble conformance-syntax text into a validated raw program image.</summary>
public static class AsmCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("input") { Description = "Assembly text (bpf_conformance syntax: `add32 %r0, 1`, labels, # comments)." };
        var output = new Option<FileInfo>("--output", "-o") { Description = "Where to write the raw program (8-byte little-endian slots).", Required = true };
        var command = new Command("asm", "Assemble text into a raw eBPF program image.") { input, output };
        command.SetAction(parseResult => CommandErrors.Run(parseResult, stdout =>
        {
            var source = parseResult.GetRequiredValue(input);
            var target = parseResult.GetRequiredValue(output);
            if (!source.Exists) throw new CliInputException($"{source.FullName}: no such file");
            var program = Assembler.Assemble(File.ReadAllText(source.FullName));
            ProgramDecoder.Validate(program);
            var bytes = Instruction.WriteAll(program);
            File.WriteAllBytes(target.FullName, bytes);
            stdout.WriteLine($"{target.Name}: {program.Length} slots, {bytes.Length} bytes");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
