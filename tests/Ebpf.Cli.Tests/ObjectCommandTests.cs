using System.Text.Json;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.TestSupport;

namespace Ebpf.Cli.Tests;

/// <summary><c>ebpf show</c> and the object form of <c>ebpf disasm</c>, on objects of the shared corpus.</summary>
[Collection(ConsoleCollection.Name)]
public class ObjectCommandTests
{
    private static string Corpus(string path) => RepoPaths.SharedPath("ebpf-samples", path);

    [Theory]
    [InlineData("build/bpf2bpf.o")]
    [InlineData("cilium-core/bpf_overlay.o")]
    [InlineData("build/map_in_map_legacy.o")]
    public void ShowProgramsJsonHasOneRecordPerProgram(string path)
    {
        var run = CliRun.Invoke("show", "programs", "--json", Corpus(path));
        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        var records = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var obj = BpfObject.Open(Corpus(path));
        Assert.Equal(obj.Programs.Select(p => (p.SectionName, p.Name)),
            records.Select(r => (r.GetProperty("section").GetString()!, r.GetProperty("function").GetString()!)));
        Assert.All(records, r => Assert.Contains(r.GetProperty("kind").GetString(), new[] { "entry", "global", "callback", "subprogram" }));
    }

    [Fact]
    public void ShowMapsAndSectionsListWhatTheLoaderSees()
    {
        var path = Corpus("build/map_in_map.o");
        var obj = BpfObject.Open(path);
        var maps = CliRun.Invoke("show", "maps", path);
        Assert.Equal(0, maps.ExitCode);
        Assert.All(obj.Maps, m => Assert.Contains(m.Name, maps.Output));
        var linux = CliRun.Invoke("show", "maps", "--json", "--linux-map-types", path);
        Assert.Contains("\"type\":\"array_of_maps\"", linux.Output);

        var sections = CliRun.Invoke("show", "sections", "--json", path);
        var names = sections.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("name").GetString()).ToList();
        Assert.Equal(obj.Sections.Select(s => s.Name), names);
    }

    [Fact]
    public void ShowMapsOfALinuxObjectPrintsLinuxTypeNames()
    {
        // SEC("xdp") is also eBPF for Windows' XDP, and xdp_rxq_info calls only helpers both have: Linux numbering is
        // asked for (6 is PERCPU_ARRAY, not HASH_OF_MAPS).
        var types = MapTypes("--linux-map-types", Corpus("linux/xdp_rxq_info_kern.o"));
        Assert.Equal("array", types["config_map"]);
        Assert.Equal("percpu_array", types["stats_global_map"]);
        Assert.Equal("percpu_array", types["rx_queue_index_map"]);
        // xdp_redirect_map calls bpf_redirect_map, which no extension's xdp has: its map types are Linux's unasked.
        var redirect = MapTypes(Corpus("linux/xdp_redirect_map_kern.o"));
        Assert.Equal("devmap", redirect["tx_port"]);
        Assert.Equal("percpu_array", redirect["rxcnt"]);
    }

    private static Dictionary<string, string> MapTypes(params string[] arguments)
    {
        var run = CliRun.Invoke(["show", "maps", "--json", .. arguments]);
        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        return run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("type").GetString()!);
    }

    [Fact]
    public void DisasmOfAnObjectInterleavesSourceAndReassembles()
    {
        var path = Corpus("build/bpf2bpf.o");
        var program = BpfObject.Open(path).FindProgram("func")!;
        var run = CliRun.Invoke("disasm", "--program", "func", path);
        Assert.Equal((0, ""), (run.ExitCode, run.Error));
        // Each source line shows once per run of instructions from it (the first column of the run).
        var comments = run.Output.Split('\n').Where(l => l.StartsWith("# bpf2bpf.c:", StringComparison.Ordinal)).ToList();
        foreach (var line in program.SourceLines.Where(l => l.Line > 0))
            Assert.Contains(comments, c => c.StartsWith($"# bpf2bpf.c:{line.Line}:", StringComparison.Ordinal) && c.EndsWith(line.Text.Trim(), StringComparison.Ordinal));
        Assert.Contains("# <add1>", run.Output);
        Assert.Equal(program.Instructions.ToArray(), Assembler.Assemble(run.Output));
    }

    [Fact]
    public void ABrokenObjectIsAnInputError()
    {
        var path = Corpus("invalid/badsymsize.o");
        var run = CliRun.Invoke("show", "programs", path);
        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains(path, run.Error);
        Assert.Contains(".symtab", run.Error);
    }
}
