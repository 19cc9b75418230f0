using System.CommandLine;
using Ebpf.Service.Protocol;
using Google.Protobuf;

namespace Ebpf.Cli.Commands.Daemon;

/// <summary><c>ebpf map list|dump|lookup|update|delete</c>: the daemon's maps, in bpftool's shape (keys and values in hex).</summary>
public static class MapCommand
{
    public static Command Create()
    {
        var command = new Command("map", "Maps held by the ebpf daemon (ebpf serve): list, dump, lookup, update, delete.");
        command.Subcommands.Add(DaemonCommands.Create("list", "List the daemon's maps (of loaded objects, and pinned).", (_, client, json, output) =>
        {
            var list = client.Call(d => d.ListMaps(new Empty()));
            if (json) DaemonCommands.WriteJson(output, list);
            else
            {
                var table = new TextTable("id", "name", "type", "key", "value", "max", "entries", "lost", "pins");
                foreach (var m in list.Maps)
                    table.Add(m.Id, m.Name, m.Type, m.KeySize, m.ValueSize, m.MaxEntries, m.Entries, m.LostRecords, string.Join(" ", m.Pins));
                table.WriteTo(output);
            }
            return ExitCodes.Ok;
        }));

        var dumpMap = DaemonCommands.MapArgument();
        command.Subcommands.Add(DaemonCommands.Create("dump", "Print every entry of a map (ring and perf buffers: the pending records, which reading consumes).", (parse, client, json, output) =>
        {
            var dump = client.Call(d => d.DumpMap(DaemonCommands.ParseMap(parse.GetRequiredValue(dumpMap))));
            if (json) DaemonCommands.WriteJson(output, dump);
            else
            {
                foreach (var entry in dump.Entries) output.WriteLine($"key: {DaemonCommands.Hex(entry.Key)}  value: {DaemonCommands.Hex(entry.Value)}");
                foreach (var record in dump.Records) output.WriteLine($"record: {DaemonCommands.Hex(record)}");
                output.WriteLine(dump.Records.Count > 0 || dump.Map.Type is "Ringbuf" or "PerfEventArray"
                    ? $"{dump.Records.Count} records read from map {dump.Map.Id} ({dump.Map.Name}), {dump.Map.LostRecords} lost"
                    : $"{dump.Entries.Count} entries in map {dump.Map.Id} ({dump.Map.Name})");
            }
            return ExitCodes.Ok;
        }, dumpMap));

        var key = new Option<string>("--key") { Description = "The key in hex (e.g. 01000000 or \"01 00 00 00\").", Required = true };
        var value = new Option<string>("--value") { Description = "The value in hex.", Required = true };
        var flags = new Option<string>("--flags") { Description = "any (default), noexist or exist.", DefaultValueFactory = _ => "any" };

        var lookupMap = DaemonCommands.MapArgument();
        command.Subcommands.Add(DaemonCommands.Create("lookup", "Print the value of one key.", (parse, client, json, output) =>
        {
            var entry = client.Call(d => d.LookupMap(KeyRequest(parse, lookupMap, key)));
            if (json) DaemonCommands.WriteJson(output, entry);
            else output.WriteLine($"key: {DaemonCommands.Hex(entry.Key)}  value: {DaemonCommands.Hex(entry.Value)}");
            return ExitCodes.Ok;
        }, lookupMap, key));

        var updateMap = DaemonCommands.MapArgument();
        command.Subcommands.Add(DaemonCommands.Create("update", "Insert or replace one entry.", (parse, client, json, output) =>
        {
            var request = new MapUpdateRequest
            {
                Map = DaemonCommands.ParseMap(parse.GetRequiredValue(updateMap)),
                Key = ByteString.CopyFrom(Hex.ParseBytes(parse.GetRequiredValue(key), "--key")),
                Value = ByteString.CopyFrom(Hex.ParseBytes(parse.GetRequiredValue(value), "--value")),
                Flags = parse.GetValue(flags) switch
                {
                    "any" => 0u,
                    "noexist" => 1u,
                    "exist" => 2u,
                    var other => throw new CliInputException($"--flags {other}: use any, noexist or exist"),
                },
            };
            var reply = client.Call(d => d.UpdateMap(request));
            if (json) DaemonCommands.WriteJson(output, reply);
            else output.WriteLine("updated");
            return ExitCodes.Ok;
        }, updateMap, key, value, flags));

        var deleteMap = DaemonCommands.MapArgument();
        command.Subcommands.Add(DaemonCommands.Create("delete", "Delete one entry.", (parse, client, json, output) =>
        {
            var reply = client.Call(d => d.DeleteMapEntry(KeyRequest(parse, deleteMap, key)));
            if (json) DaemonCommands.WriteJson(output, reply);
            else output.WriteLine("deleted");
            return ExitCodes.Ok;
        }, deleteMap, key));
        return command;
    }

    private static MapKeyRequest KeyRequest(ParseResult parse, Argument<string[]> map, Option<string> key) => new()
    {
        Map = DaemonCommands.ParseMap(parse.GetRequiredValue(map)),
        Key = ByteString.CopyFrom(Hex.ParseBytes(parse.GetRequiredValue(key), "--key")),
    };
}
