using BenchmarkDotNet.Attributes;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Net.Packets;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Benchmarks;

/// <summary>
/// Pcap replay of 10,000 generated frames (the test traffic: mostly UDP, ~96 bytes each) through the xdp_test hook,
/// writing the output capture: a trivial program (samples/pass_all.c xdp_pass) and the parsing one
/// (samples/packet_filter.c). Packets per second per core = 10,000 / mean (one thread replays).
/// </summary>
[MemoryDiagnoser]
public class PacketReplayBenchmarks
{
    public const int Packets = 10_000;
    private string _dir = null!, _input = null!, _output = null!;
    private NetExtension _trivialNet = null!, _parsingNet = null!;
    private LoadedObject _trivial = null!, _parsing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("ebpf-replay-bench").FullName;
        _input = Path.Combine(_dir, "in.pcap");
        _output = Path.Combine(_dir, "out.pcap");
        File.WriteAllBytes(_input, PcapFiles.Pcap(GeneratedTraffic.Packets(Packets)));
        (_trivialNet, _trivial) = Attach("pass_all", "xdp_pass");
        (_parsingNet, _parsing) = Attach("packet_filter", "packet_filter");
    }

    private static (NetExtension, LoadedObject) Attach(string sample, string program)
    {
        var net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(net);
        var loaded = runtime.Load(SampleObjects.Path(sample));
        runtime.Extensions.Attach(loaded.Program(program));
        return (net, loaded);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trivial.Dispose();
        _parsing.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Description = "replay 10,000 packets: trivial program")]
    public long Trivial() => PacketReplay.Run(_input, _output, new XdpHookProcessor(_trivialNet.XdpTest)).Written;

    [Benchmark(Description = "replay 10,000 packets: parsing program")]
    public long Parsing() => PacketReplay.Run(_input, _output, new XdpHookProcessor(_parsingNet.XdpTest)).Written;
}
