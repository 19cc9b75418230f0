using Ebpf.Platform;
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Ebpf.Elf;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf show sections|programs|maps &lt;object&gt; [--json]</c>: what the loader sees in an object file.</summary>
public static class ShowCommand
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var show = new Command("show", "List the sections, programs or maps of an eBPF object file.");
        show.Subcommands.Add(Make("sections", "Sections and the role the loader gives each.", WriteSections));
        show.Subcommands.Add(Make("programs", "Programs (entry programs, global functions, callbacks) with their types.", WritePrograms));
        show.Subcommands.Add(Make("maps", "Maps: BTF-defined, legacy and global data.", WriteMaps));
        show.Subcommands.Add(ShowHashCommand.Create());
        return show;
    }

    private static Command Make(string name, string description, Action<BpfObject, bool, TextWriter> write)
    {
        var command = new Command(name, description);
        var file = new Argument<FileInfo>("object") { Description = "The ELF object file (clang -target bpf)." };
        var json = new Option<bool>("--json") { Description = "One JSON record per line instead of a table." };
        var linux = new Option<bool>("--linux-map-types") { Description = "Read map type numbers in Linux numbering (as --platform linux)." };
        var platform = new Option<string>("--platform")
        {
            Description = "auto: the ABI the runtime picks from the sections and helper calls (Linux when no extension claims them).",
            DefaultValueFactory = _ => "auto",
        };
        platform.AcceptOnlyFromAmong("auto", "windows", "linux");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.Options.Add(linux);
        command.Options.Add(platform);
        command.SetAction(parse => CommandErrors.Run(parse, output =>
        {
            var obj = CliObjects.Open(parse.GetRequiredValue(file).FullName, parse.GetValue(linux) ? "linux" : parse.GetValue(platform)!,
                CliPlatform.CreateExtensions());
            write(obj, parse.GetValue(json), output);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void Json(TextWriter output, Action<Utf8JsonWriter> record)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, JsonOptions))
        {
            writer.WriteStartObject();
            record(writer);
            writer.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteSections(BpfObject obj, bool json, TextWriter output)
    {
        var table = new TextTable("index", "name", "kind", "size", "programs");
        foreach (var s in obj.Sections)
        {
            if (json)
                Json(output, w =>
                {
                    w.WriteNumber("index", s.Index);
                    w.WriteString("name", s.Name);
                    w.WriteString("kind", s.Kind.ToString());
                    w.WriteNumber("elf_type", s.ElfType);
                    w.WriteNumber("flags", s.Flags);
                    w.WriteNumber("size", s.Size);
                    w.WriteNumber("programs", s.ProgramCount);
                });
            else table.Add(s.Index, s.Name, s.Kind, s.Size, s.ProgramCount);
        }
        if (!json) table.WriteTo(output);
    }

    private static void WritePrograms(BpfObject obj, bool json, TextWriter output)
    {
        var table = new TextTable("section", "function", "kind", "type", "instructions", "maps", "calls");
        foreach (var p in obj.Programs)
        {
            var callees = p.Functions.Skip(1).Select(f => f.Name).ToArray();
            var maps = p.MapReferences.Select(r => obj.Maps[r.MapIndex].Name).Distinct().ToArray();
            if (json)
                Json(output, w =>
                {
                    w.WriteString("section", p.SectionName);
                    w.WriteString("function", p.Name);
                    w.WriteString("kind", ObjectDescriptions.Kind(p.Kind));
                    w.WriteString("program_type", ObjectDescriptions.ProgramType(p));
                    w.WriteString("program_type_guid", p.ProgramType);
                    w.WriteString("platform", obj.MapTypeNumbering == MapTypeNumbering.Linux ? "linux" : "windows");
                    w.WriteString("attach_type_guid", p.ExpectedAttachType);
                    w.WriteNumber("instructions", p.Instructions.Length);
                    w.WriteNumber("own_instructions", p.MainInstructionCount);
                    w.WriteStartArray("maps");
                    foreach (var m in maps) w.WriteStringValue(m);
                    w.WriteEndArray();
                    w.WriteStartArray("subprograms");
                    foreach (var c in callees) w.WriteStringValue(c);
                    w.WriteEndArray();
                });
            else
                table.Add(p.SectionName, p.Name, ObjectDescriptions.Kind(p.Kind), ObjectDescriptions.ProgramType(p), p.Instructions.Length,
                    string.Join(",", maps), string.Join(",", callees));
        }
        if (!json) table.WriteTo(output);
    }

    private static void WriteMaps(BpfObject obj, bool json, TextWriter output)
    {
        var table = new TextTable("index", "name", "kind", "type", "key", "value", "max_entries", "flags", "pinning", "inner", "section");
        foreach (var m in obj.Maps)
        {
            var d = m.Definition;
            string inner = m.InnerMap is { } i ? (i.Index >= 0 ? i.Name : $"{obj.MapTypeName(i)}({i.Definition.KeySize},{i.Definition.ValueSize},{i.Definition.MaxEntries})") : "";
            if (json)
                Json(output, w =>
                {
                    w.WriteNumber("index", m.Index);
                    w.WriteString("name", m.Name);
                    w.WriteString("kind", m.Kind.ToString());
                    w.WriteNumber("raw_type", m.RawType);
                    w.WriteString("type", obj.MapTypeName(m));
                    w.WriteNumber("key_size", d.KeySize);
                    w.WriteNumber("value_size", d.ValueSize);
                    w.WriteNumber("max_entries", d.MaxEntries);
                    w.WriteNumber("flags", d.Flags);
                    w.WriteString("pinning", d.Pinning.ToString());
                    w.WriteString("inner", inner);
                    w.WriteString("section", m.SectionName);
                    w.WriteNumber("initial_data_size", m.InitialData.Length);
                });
            else table.Add(m.Index, m.Name, m.Kind, obj.MapTypeName(m), d.KeySize, d.ValueSize, d.MaxEntries, d.Flags, d.Pinning, inner, m.SectionName);
        }
        if (!json) table.WriteTo(output);
    }
}
