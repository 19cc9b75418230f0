using System.CommandLine;
using Ebpf.Cli.Commands;

namespace Ebpf.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("eBPF for .NET: load, verify, run and inspect eBPF programs.");
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(DisasmCommand.Create());
        return root.Parse(args).Invoke();
    }
}
