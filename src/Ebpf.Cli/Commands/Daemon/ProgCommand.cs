using System.CommandLine;
using Ebpf.Service.Protocol;
using Google.Protobuf;

namespace Ebpf.Cli.Commands.Daemon;

/// <summary><c>ebpf prog list|show|load|pin|unload</c>: the daemon's programs, in bpftool's shape.</summary>
public static class ProgCommand
{
    public static Command Create()
    {
        var command = new Command("prog", "Programs loaded in the ebpf daemon (ebpf serve): list, show, load, pin, unload.");
        command.Subcommands.Add(DaemonCommands.Create("list", "List the daemon's programs.", (_, client, json, output) =>
        {
            var list = client.Call(d => d.ListPrograms(new Empty()));
            if (json) DaemonCommands.WriteJson(output, list);
            else WriteTable(output, list.Programs);
            return ExitCodes.Ok;
        }));

        var showId = new Argument<uint>("id") { Description = "The program's id." };
        command.Subcommands.Add(DaemonCommands.Create("show", "Show one program.", (parse, client, json, output) =>
        {
            var program = client.Call(d => d.ShowProgram(new ProgramRef { Id = parse.GetValue(showId) }));
            if (json) DaemonCommands.WriteJson(output, program);
            else Write(output, program);
            return ExitCodes.Ok;
        }, showId));

        var file = new Argument<FileInfo>("object") { Description = "The ELF object file; its bytes are sent to the daemon." };
        var pin = new Option<string?>("--pin") { Description = "Pin every program and map of the object in the daemon at DIR/<name>." };
        command.Subcommands.Add(DaemonCommands.Create("load", "Load (verify) an object's programs and maps into the daemon; they stay after this command exits.", (parse, client, json, output) =>
        {
            var path = parse.GetRequiredValue(file);
            var request = new LoadRequest
            {
                Object = ByteString.CopyFrom(File.ReadAllBytes(path.FullName)),
                FileName = path.Name,
                PinDir = parse.GetValue(pin) ?? "",
            };
            var reply = client.Call(d => d.LoadObject(request));
            if (json) DaemonCommands.WriteJson(output, reply);
            else
            {
                output.WriteLine($"loaded {reply.ObjectName} as object {reply.ObjectId}: {reply.Programs.Count} programs, {reply.Maps.Count} maps");
                WriteTable(output, reply.Programs);
                foreach (var pinned in reply.Pins) output.WriteLine($"pinned {pinned}");
            }
            return ExitCodes.Ok;
        }, file, pin));

        var pinId = new Argument<uint>("id") { Description = "The program's id." };
        var pinPath = new Argument<string>("path") { Description = "The pin path in the daemon's namespace." };
        command.Subcommands.Add(DaemonCommands.Create("pin", "Pin a program in the daemon's namespace.", (parse, client, json, output) =>
        {
            var reply = client.Call(d => d.PinProgram(new PinProgramRequest { Id = parse.GetValue(pinId), Path = parse.GetRequiredValue(pinPath) }));
            if (json) DaemonCommands.WriteJson(output, reply);
            else output.WriteLine($"pinned {reply.Path}");
            return ExitCodes.Ok;
        }, pinId, pinPath));

        var unloadId = new Argument<uint>("id") { Description = "A program of the object to unload." };
        command.Subcommands.Add(DaemonCommands.Create("unload", "Unload the object holding a program: its links are detached and its program pins removed (pinned maps stay).", (parse, client, json, output) =>
        {
            var reply = client.Call(d => d.UnloadProgram(new ProgramRef { Id = parse.GetValue(unloadId) }));
            if (json) DaemonCommands.WriteJson(output, reply);
            else
            {
                output.WriteLine($"unloaded object {reply.ObjectId} ({reply.ObjectName}): programs {DaemonCommands.Ids(reply.ProgramIds)}" +
                    (reply.LinkIds.Count > 0 ? $"; detached links {DaemonCommands.Ids(reply.LinkIds)}" : ""));
                foreach (var path in reply.Unpinned) output.WriteLine($"unpinned {path}");
            }
            return ExitCodes.Ok;
        }, unloadId));
        return command;
    }

    private static void WriteTable(TextWriter output, IEnumerable<ProgramInfo> programs)
    {
        var table = new TextTable("id", "name", "type", "section", "object", "maps", "links", "pins");
        foreach (var p in programs)
            table.Add(p.Id, p.Name, p.ProgramType, p.Section, $"{p.ObjectId}:{p.ObjectName}", DaemonCommands.Ids(p.MapIds), DaemonCommands.Ids(p.LinkIds), string.Join(" ", p.Pins));
        table.WriteTo(output);
    }

    private static void Write(TextWriter output, ProgramInfo p)
    {
        output.WriteLine($"{p.Id}: {p.ProgramType}  name {p.Name}  section {p.Section}");
        output.WriteLine($"  object {p.ObjectId} ({p.ObjectName})  engine {p.Engine}  instructions {p.Instructions}");
        output.WriteLine($"  program type {p.ProgramTypeId}  attach type {(p.ExpectedAttachType.Length > 0 ? p.ExpectedAttachType : "(none)")}");
        output.WriteLine($"  program information hash {p.ProgramInformationHash}");
        output.WriteLine($"  map ids {DaemonCommands.Ids(p.MapIds)}  link ids {DaemonCommands.Ids(p.LinkIds)}");
        foreach (var pin in p.Pins) output.WriteLine($"  pinned {pin}");
    }
}
