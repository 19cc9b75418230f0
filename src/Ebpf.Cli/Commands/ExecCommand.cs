using System.CommandLine;
using Ebpf.Cli.ProgramFiles;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf exec prog.bin|prog.s [--mem HEX | --mem-file F] [--checked] [--budget N]</c>: run and print r0.</summary>
public static class ExecCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("program") { Description = "Program file: raw image or assembly text (.s)." };
        var mem = new Option<string>("--mem") { Description = "Memory given to the program as hex bytes (r1 = its address, r2 = its length)." };
        var memFile = new Option<FileInfo>("--mem-file") { Description = "File whose bytes are the program's memory." };
        var checkedMode = new Option<bool>("--checked") { Description = "Validate every memory access; stray accesses stop the program." };
        var budget = new Option<long>("--budget")
        {
            Description = "Stop after this many instructions (0 = unlimited).",
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value)) return value;
                result.AddError($"--budget must be a whole number of instructions (0 or more), not '{text}'");
                return 0;
            },
        };
        var command = new Command("exec", "Run a program in the interpreter and print r0 in hex.") { input, mem, memFile, checkedMode, budget };
        command.Validators.Add(result =>
        {
            if (result.GetResult(mem) is not null && result.GetResult(memFile) is not null)
                result.AddError("--mem and --mem-file cannot be used together");
        });
        command.SetAction(parseResult => CommandErrors.Run(parseResult, stdout =>
        {
            var program = ProgramFileReader.ReadSingle(parseResult.GetRequiredValue(input).FullName);
            byte[] memory = parseResult.GetValue(memFile) is { } file
                ? (file.Exists ? File.ReadAllBytes(file.FullName) : throw new CliInputException($"{file.FullName}: no such file"))
                : Hex.ParseBytes(parseResult.GetValue(mem) ?? "", "--mem");
            var options = new InterpreterOptions
            {
                Mode = parseResult.GetValue(checkedMode) ? ExecutionMode.Checked : ExecutionMode.Unchecked,
                InstructionBudget = parseResult.GetValue(budget),
            };
            var interpreter = new Interpreter(program.Instructions, ConformanceHelpers.CreateTable(), options);
            stdout.WriteLine($"0x{interpreter.Run(memory):x}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
