using System.CommandLine;
using Ebpf.Service.Protocol;
using Google.Protobuf;

namespace Ebpf.Cli.Commands.Daemon;

/// <summary><c>ebpf link list|attach|detach</c>: programs attached to hooks in the daemon.</summary>
public static class LinkCommand
{
    public static Command Create()
    {
        var command = new Command("link", "Links (programs attached to hooks) in the ebpf daemon (ebpf serve): list, attach, detach.");
        command.Subcommands.Add(DaemonCommands.Create("list", "List the daemon's links.", (_, client, json, output) =>
        {
            var list = client.Call(d => d.ListLinks(new Empty()));
            if (json) DaemonCommands.WriteJson(output, list);
            else
            {
                var table = new TextTable("id", "program", "hook", "state", "live source");
                foreach (var l in list.Links)
                    table.Add(l.Id, $"{l.ProgramId}:{l.ProgramName}", l.Hook, l.State, l.LiveSourceNote.Length == 0 ? "yes" : l.LiveSourceNote);
                table.WriteTo(output);
            }
            return ExitCodes.Ok;
        }));

        var program = new Argument<uint>("program-id") { Description = "The program to attach." };
        var attachType = new Option<string?>("--attach-type") { Description = "The attach type GUID (default: the one the program's section implies)." };
        var parameters = new Option<string?>("--parameters") { Description = "Attach parameters in hex, interpreted by the hook." };
        command.Subcommands.Add(DaemonCommands.Create("attach", "Attach a program to its hook.", (parse, client, json, output) =>
        {
            var request = new AttachRequest
            {
                ProgramId = parse.GetValue(program),
                AttachType = parse.GetValue(attachType) ?? "",
                Parameters = ByteString.CopyFrom(parse.GetValue(parameters) is { } hex ? Hex.ParseBytes(hex, "--parameters") : []),
            };
            var link = client.Call(d => d.Attach(request));
            if (json) DaemonCommands.WriteJson(output, link);
            else
            {
                output.WriteLine($"link {link.Id}: {link.ProgramName} attached to {link.Hook}");
                if (link.LiveSourceNote.Length > 0) output.WriteLine($"note: {link.LiveSourceNote}");
            }
            return ExitCodes.Ok;
        }, program, attachType, parameters));

        var linkId = new Argument<uint>("id") { Description = "The link to detach." };
        command.Subcommands.Add(DaemonCommands.Create("detach", "Detach a link.", (parse, client, json, output) =>
        {
            var reply = client.Call(d => d.Detach(new LinkRef { Id = parse.GetValue(linkId) }));
            if (json) DaemonCommands.WriteJson(output, reply);
            else output.WriteLine($"detached link {parse.GetValue(linkId)}");
            return ExitCodes.Ok;
        }, linkId));
        return command;
    }
}
