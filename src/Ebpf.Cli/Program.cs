using System.CommandLine;

namespace Ebpf.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("eBPF for .NET: load, verify, run and inspect eBPF programs.");
        return root.Parse(args).Invoke();
    }
}
