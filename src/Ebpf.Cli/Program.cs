using System.CommandLine;
using System.CommandLine.Help;
using Ebpf.Cli.Commands;
using Ebpf.Cli.Commands.Daemon;
using Ebpf.Cli.ProgramFiles;

namespace Ebpf.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = CreateRootCommand();
        var parseResult = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = Console.Out, Error = Console.Error };
        if (parseResult.Errors.Count > 0 && parseResult.Action is not HelpAction)
        {
            foreach (var error in parseResult.Errors) Console.Error.WriteLine($"ebpf: {error.Message}");
            Console.Error.WriteLine("Try 'ebpf --help'.");
            return ExitCodes.Usage;
        }
        return parseResult.Invoke(configuration);
    }

    public static RootCommand CreateRootCommand()
    {
        ProgramFileReader.Register(new ElfProgramFileHandler());
        var root = new RootCommand($"eBPF for .NET: load, verify, run and inspect eBPF programs. {ExitCodes.HelpText}")
        {
            AsmCommand.Create(),
            DisasmCommand.Create(),
            ExecCommand.Create(),
            ConformancePluginCommand.Create(),
        };
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(TestRunCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(ProgCommand.Create());
        root.Subcommands.Add(MapCommand.Create());
        root.Subcommands.Add(LinkCommand.Create());
        root.Subcommands.Add(PinCommand.Create());
        return root;
    }
}
