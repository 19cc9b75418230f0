using System.CommandLine;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Cli;

/// <summary>Runs a command body and turns the errors a user can cause into a message on standard error and exit code 1.</summary>
internal static class CommandErrors
{
    public static int Run(ParseResult parseResult, Func<TextWriter, int> body)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        string command = parseResult.CommandResult.Command.Name;
        try
        {
            return body(output);
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"ebpf {command}: {Describe(e)}");
            return ExitCodes.Failure;
        }
    }

    private static bool IsUserError(Exception e) => e is AssemblerException or InstructionDecodeException or ProgramLoadException
        or ProgramExecutionException or CliInputException or BpfObjectException or IOException or UnauthorizedAccessException or Runtime.Maps.EbpfException;

    private static string Describe(Exception e) => e switch
    {
        AssemblerException a => $"assembler error: {a.Message}",
        InstructionDecodeException d => $"invalid program: {d.Message} ({d.Reason})",
        ProgramLoadException l => $"cannot load program: {l.Message} ({l.Reason})",
        ProgramExecutionException x => $"program stopped: {x.Message}",
        BpfObjectException o => $"cannot open object: {o.Message}",
        _ => e.Message,
    };
}
