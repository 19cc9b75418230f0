using BenchmarkDotNet.Attributes;
using Ebpf.Elf;
using Ebpf.TestSupport;

namespace Ebpf.ElfBench;

/// <summary>Open-and-parse time (ELF, BTF, BTF.ext, maps, linking, line info) of the largest corpus objects, from memory.</summary>
[MemoryDiagnoser]
public class ElfOpenBenchmarks
{
    /// <summary>The largest objects of the shared corpus (1-2 MB Cilium builds) and one small sample.</summary>
    public static readonly string[] Objects =
    [
        "cilium/bpf_xdp_dsr_linux.o", "cilium-core/bpf_host.o", "cilium-core/bpf_lxc.o", "cilium-core/bpf_overlay.o",
        "cilium-core/bpf_xdp.o", "build/bpf2bpf.o",
    ];

    private byte[] _bytes = [];

    [ParamsSource(nameof(ObjectNames))]
    public string Object { get; set; } = "";

    public static IEnumerable<string> ObjectNames => Objects;

    [GlobalSetup]
    public void Setup() => _bytes = File.ReadAllBytes(RepoPaths.SharedPath("ebpf-samples", Object));

    [Benchmark]
    public int Open() => BpfObject.Open(_bytes, Object).Programs.Length;
}
