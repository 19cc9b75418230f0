using System.CommandLine;
using Ebpf.Service.Protocol;

namespace Ebpf.Cli.Commands.Daemon;

/// <summary><c>ebpf pin list</c>: the daemon's pin namespace.</summary>
public static class PinCommand
{
    public static Command Create()
    {
        var command = new Command("pin", "The ebpf daemon's pin namespace (ebpf serve): list.");
        command.Subcommands.Add(DaemonCommands.Create("list", "List every pinned path and what it holds.", (_, client, json, output) =>
        {
            var list = client.Call(d => d.ListPins(new Empty()));
            if (json) DaemonCommands.WriteJson(output, list);
            else
            {
                var table = new TextTable("path", "kind", "id", "name");
                foreach (var p in list.Pins) table.Add(p.Path, p.Kind, p.Id, p.Name);
                table.WriteTo(output);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
