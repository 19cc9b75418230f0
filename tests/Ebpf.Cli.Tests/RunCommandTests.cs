using System.Diagnostics;
using System.Text.Json.Nodes;
using Ebpf.Cli.Running;
using Ebpf.Elf;
using Ebpf.Extensions.Process.Linux;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Cli.Tests;

/// <summary>
/// <c>ebpf run</c>: samples/process_monitor.c on this machine's processes (root: the process connector), what it says
/// about programs it cannot attach, and record decoding by BTF.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class RunCommandTests(ITestOutputHelper output)
{
    private static string Sample(string name) => SampleObjects.Path(name);

    [Fact]
    public void JsonRunPrintsTheRecordsOfAnotherProcesssChildren()
    {
        if (!LinuxProcessConnector.IsAvailable(out string reason))
        {
            Assert.False(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, $"root, yet the process connector is unavailable: {reason}");
            var refused = CliRun.Invoke("run", Sample("process_monitor"), "--duration", "0.2");
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("cannot attach process_monitor", refused.Error);
            output.WriteLine($"process connector unavailable ({reason}): checked the refusal only");
            return;
        }
        // Another process spawns children for a while: each sleeps briefly, then exits with 5.
        using var spawner = Process.Start(new ProcessStartInfo("/bin/sh",
            ["-c", "i=0; while [ $i -lt 40 ]; do /bin/sh -c 'sleep 0.02; exit 5'; sleep 0.05; i=$((i+1)); done"]))!;
        CliRun run;
        try
        {
            run = CliRun.Invoke("run", Sample("process_monitor"), "--duration", "2", "--json");
        }
        finally
        {
            spawner.Kill(entireProcessTree: true);
            spawner.WaitForExit();
        }
        output.WriteLine(run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("recorded and reported, not enforced", run.Error);
        Assert.Matches(@"process_events: \d+ records read, 0 lost", run.Error);

        var records = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(records, r =>
        {
            Assert.Equal("process_events", (string?)r["map"]);
            Assert.Equal("process_monitor", (string?)r["program"]);
            Assert.Equal("process_event_t", (string?)r["type"]);
            Assert.True(DateTime.TryParse((string?)r["time"], out _));
        });
        var children = records.Select(r => r["fields"]!.AsObject())
            .Where(f => (ulong)f["parent_process_id"]! == (ulong)spawner.Id && (string?)f["command_line"] == "/bin/sh -c 'sleep 0.02; exit 5'")
            .ToList();
        var starts = children.Where(f => (ulong)f["operation"]! == 0).Select(f => (ulong)f["process_id"]!).ToHashSet();
        var exits = children.Where(f => (ulong)f["operation"]! == 1).ToList();
        output.WriteLine($"{records.Count} records; {starts.Count} child starts, {exits.Count} child exits");
        Assert.NotEmpty(starts);
        Assert.Contains(exits, f => starts.Contains((ulong)f["process_id"]!));
        Assert.All(exits, f => Assert.Equal(5ul, (ulong)f["exit_code"]!));
        Assert.All(children, f => Assert.Equal(LinuxHost.Canonical("/bin/sh"), (string?)f["image_path"]));
    }

    /// <summary>Each exit goes to a perf buffer as a struct and to a ring buffer as 6 raw bytes no struct of the object fits.</summary>
    private const string PerfAndRaw = """
        #include "bpf_helpers.h"
        #include "ebpf_ntos_hooks.h"
        struct exit_note { uint32_t pid; uint32_t code; };
        struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(max_entries, 64 * 1024); } notes SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 64 * 1024); } raw SEC(".maps");
        // The note is built in a map value, which also puts its type in the object's BTF (local types are left out).
        struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __type(key, uint32_t); __type(value, struct exit_note); __uint(max_entries, 1); } scratch SEC(".maps");

        SEC("process")
        int note_exits(process_md_t* ctx)
        {
            if (ctx->operation != PROCESS_OPERATION_DELETE)
                return 0;
            uint32_t zero = 0;
            struct exit_note* note = bpf_map_lookup_elem(&scratch, &zero);
            if (!note)
                return 0;
            note->pid = ctx->process_id;
            note->code = ctx->process_exit_code;
            bpf_perf_event_output(ctx, &notes, BPF_F_CURRENT_CPU, note, sizeof(*note));
            uint8_t bytes[6] = {0xde, 0xad, (uint8_t)note->code, 0, 0, 0xef};
            bpf_ringbuf_output(&raw, bytes, sizeof(bytes), 0);
            return 0;
        }
        char _license[] SEC("license") = "MIT";
        """;

    [Fact]
    public void PerfBufferRecordsCarryTheirCpuAndUndecodableRecordsComeAsHex()
    {
        if (!LinuxProcessConnector.IsAvailable(out string reason))
        {
            Assert.False(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, $"root, yet the process connector is unavailable: {reason}");
            output.WriteLine($"process connector unavailable ({reason}): nothing run");
            return;
        }
        string obj = ClangObjects.Compile("perf_and_raw", PerfAndRaw, RepoPaths.RepoPath("include"));
        using var spawner = Process.Start(new ProcessStartInfo("/bin/sh",
            ["-c", "i=0; while [ $i -lt 40 ]; do /bin/sh -c 'sleep 0.02; exit 9'; sleep 0.03; i=$((i+1)); done"]))!;
        CliRun run;
        try
        {
            run = CliRun.Invoke("run", obj, "--duration", "1.5", "--json");
        }
        finally
        {
            spawner.Kill(entireProcessTree: true);
            spawner.WaitForExit();
        }
        output.WriteLine(run.Error);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("streaming perf buffer notes", run.Error);
        var records = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var notes = records.Where(r => (string?)r["map"] == "notes").ToList();
        var raw = records.Where(r => (string?)r["map"] == "raw").ToList();
        Assert.Contains(notes, r => (ulong)r["fields"]!["code"]! == 9);
        Assert.All(notes, r =>
        {
            Assert.Equal("struct exit_note", (string?)r["type"]);
            Assert.InRange((int)r["cpu"]!, 0, Environment.ProcessorCount - 1);
        });
        Assert.Contains(raw, r => (string?)r["data"] == "dead09" + "0000ef");
        Assert.All(raw, r => Assert.Null(r["fields"]));
        Assert.Equal(notes.Count, raw.Count);
    }

    [Fact]
    public void ProgramsWithoutALiveSourceAreNamedWithTheReason()
    {
        var run = CliRun.Invoke("run", Sample("maps"), "--duration", "0.1");
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"cannot attach \w+ \(section bind\): the .*bind hook has no live event source", run.Error);
        Assert.Contains("no program can be attached", run.Error);
    }

    [Fact]
    public void BadArgumentsAreRefusedWithTheirReason()
    {
        var type = CliRun.Invoke("run", Sample("process_monitor"), "--record-type", "no_such_t", "--duration", "0.1");
        Assert.Equal(1, type.ExitCode);
        Assert.Contains("no struct named 'no_such_t'; structs: process_event_t", type.Error);
        var program = CliRun.Invoke("run", Sample("process_monitor"), "nope", "--duration", "0.1");
        Assert.Equal(1, program.ExitCode);
        Assert.Contains("no program named 'nope'", program.Error);
        var duration = CliRun.Invoke("run", Sample("process_monitor"), "--duration", "-1");
        Assert.Equal(1, duration.ExitCode);
        Assert.Contains("--duration must be a positive number", duration.Error);
        Assert.Equal(2, CliRun.Invoke("run").ExitCode);
    }

    [Fact]
    public void RecordsDecodeByTheStructOfTheirSizeOrTheNamedOne()
    {
        var obj = BpfObject.Open(Sample("process_monitor"));
        var layout = RecordLayout.BySize(obj.Btf, 552);
        Assert.NotNull(layout);
        Assert.Equal("process_event_t", layout.Name);
        Assert.Null(RecordLayout.BySize(obj.Btf, 551));
        Assert.Equal(144, RecordLayout.Find(obj.Btf, "struct _process_md", out _)!.Size);

        var record = new byte[552];
        BitConverter.TryWriteBytes(record.AsSpan(0), 4242ul);
        BitConverter.TryWriteBytes(record.AsSpan(32), 7u);
        record[36] = 1;
        System.Text.Encoding.Unicode.GetBytes("/usr/bin/dash").CopyTo(record, 40);
        System.Text.Encoding.Unicode.GetBytes("sh -c 'exit 7'").CopyTo(record, 296);
        var fields = layout.Decode(record);
        Assert.Equal(4242ul, (ulong)fields["process_id"]!);
        Assert.Equal(7ul, (ulong)fields["exit_code"]!);
        Assert.Equal(1ul, (ulong)fields["operation"]!);
        Assert.Equal("/usr/bin/dash", (string?)fields["image_path"]);
        Assert.Equal("sh -c 'exit 7'", (string?)fields["command_line"]);
        Assert.Equal("[0,0,0]", fields["reserved"]!.ToJsonString());

        // The context struct decodes too: its operation is an enum bitfield.
        var md = new byte[144];
        md[68] = 1;
        BitConverter.TryWriteBytes(md.AsSpan(16), 99ul);
        var context = RecordLayout.Find(obj.Btf, "process_md_t", out _)!.Decode(md);
        Assert.Equal("PROCESS_OPERATION_DELETE", (string?)context["operation"]);
        Assert.Equal(99ul, (ulong)context["process_id"]!);
    }
}
