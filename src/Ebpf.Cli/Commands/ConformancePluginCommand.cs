using System.CommandLine;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Cli.Commands;

/// <summary>
/// The bpf_conformance plugin contract: the program arrives as hex bytes on standard input, the memory as hex in the
/// first argument (further arguments are plugin options and ignored); r0 is printed in hex on standard output. On failure
/// the exit code is 1, standard output stays empty and the reason goes to standard error. Programs run in checked mode
/// with an instruction budget, so a broken test cannot take the plugin down.
/// </summary>
public static class ConformancePluginCommand
{
    public const long Budget = 10_000_000;

    public static Command Create()
    {
        var memory = new Argument<string>("memory-hex") { Description = "Memory for the program as hex bytes (may be empty).", DefaultValueFactory = _ => "" };
        var options = new Argument<string[]>("plugin-options") { Description = "Options passed by the runner (ignored).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("conformance-plugin", "Act as a bpf_conformance plugin: program hex on stdin, memory hex as argument, r0 on stdout.")
        {
            memory, options,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parseResult => CommandErrors.Run(parseResult, stdout =>
        {
            var input = Console.In.ReadToEnd();
            var image = Hex.ParseBytes(input, "program on standard input");
            var data = Hex.ParseBytes(parseResult.GetValue(memory) ?? "", "memory-hex");
            var interpreter = Interpreter.Load(image, ConformanceHelpers.CreateTable(),
                new InterpreterOptions { Mode = ExecutionMode.Checked, InstructionBudget = Budget });
            stdout.WriteLine($"{interpreter.Run(data):x}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
