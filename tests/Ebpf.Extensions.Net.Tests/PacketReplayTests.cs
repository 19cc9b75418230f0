using System.Buffers.Binary;
using Ebpf.Extensions.Net.Packets;
using Ebpf.Kernel;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Extensions.Net.Tests;

/// <summary>samples/packet_filter.c replayed over a generated capture of 10,000 frames, on both engines and against the host kernel.</summary>
public sealed class PacketReplayTests(ITestOutputHelper output) : IDisposable
{
    private const int Count = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("ebpf-pcap").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (EbpfRuntime Runtime, NetExtension Net, LoadedObject Loaded) Load(ExecutionEngine engine)
    {
        var net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(net);
        var loaded = runtime.Load(SampleObjects.Path("packet_filter"), new ObjectLoadOptions { Engine = engine });
        return (runtime, net, loaded);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(ExecutionEngine.Jit)]
    [InlineData(ExecutionEngine.Interpreter)]
    public void ReplayOfTenThousandPacketsWritesTheExpectedCaptureByteForByte(ExecutionEngine engine)
    {
        var packets = GeneratedTraffic.Packets(Count);
        var expected = packets.Select(p => (p, GeneratedTraffic.Expected(p.Data))).ToList();
        var expectedCapture = PcapFiles.Pcap(expected.Where(e => e.Item2.Fate != GeneratedTraffic.Fate.Drop)
            .Select(e => e.p with { Data = e.Item2.Output }));
        string input = Write("in.pcap", PcapFiles.Pcap(packets)), outFile = Path.Combine(_dir, $"out-{engine}.pcap");

        var (runtime, net, loaded) = Load(engine);
        using (loaded)
        {
            runtime.Extensions.Attach(loaded.Program("packet_filter"));
            var summary = PacketReplay.Run(input, outFile, new XdpHookProcessor(net.XdpTest));
            output.WriteLine(summary.ToString());

            Assert.Equal(expectedCapture, File.ReadAllBytes(outFile));
            Assert.Equal(Count, summary.Packets);
            Assert.Equal(expected.Count(e => e.Item2.Fate == GeneratedTraffic.Fate.Drop), summary[PacketAction.Drop]);
            Assert.Equal(expected.Count(e => e.Item2.Fate == GeneratedTraffic.Fate.Tx), summary[PacketAction.Tx]);
            Assert.Equal(expected.Count(e => e.Item2.Fate == GeneratedTraffic.Fate.Pass), summary[PacketAction.Pass]);
            Assert.True(summary[PacketAction.Drop] > 500 && summary[PacketAction.Tx] > 500, "the mix exercises every action");

            // The program's own map counted every UDP packet by port.
            var counted = expected.Where(e => e.Item2.CountedPort >= 0).GroupBy(e => e.Item2.CountedPort).ToDictionary(g => g.Key, g => (ulong)g.Count());
            Assert.Equal(counted.OrderBy(kv => kv.Key), PortCounts(loaded.Map("udp_ports")).OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void PcapNgInputGivesTheSameOutputAsPcapAndASingleProgramRunsAsTheHookDoes()
    {
        var packets = GeneratedTraffic.Packets(500, seed: 7);
        string pcap = Write("in.pcap", PcapFiles.Pcap(packets)), pcapng = Write("in.pcapng", PcapFiles.PcapNg(packets));
        var (runtime, net, loaded) = Load(ExecutionEngine.Jit);
        using (loaded)
        {
            runtime.Extensions.Attach(loaded.Program("packet_filter"));
            var fromPcap = PacketReplay.Run(pcap, Path.Combine(_dir, "a.pcap"), new XdpHookProcessor(net.XdpTest));
            var fromPcapNg = PacketReplay.Run(pcapng, Path.Combine(_dir, "b.pcap"), new XdpHookProcessor(net.XdpTest));
            var direct = PacketReplay.Run(pcap, Path.Combine(_dir, "c.pcap"), new ProgramProcessor(runtime, loaded.Program("packet_filter")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a.pcap")), File.ReadAllBytes(Path.Combine(_dir, "b.pcap")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a.pcap")), File.ReadAllBytes(Path.Combine(_dir, "c.pcap")));
            Assert.Equal((fromPcap.Written, fromPcap.Modified), (fromPcapNg.Written, fromPcapNg.Modified));
            Assert.Equal(fromPcap.ToString().Split('\n')[..^1], direct.ToString().Split('\n')[..^1]);
        }
    }

    [Fact]
    public void TheLinuxXdpBuildOfTheFilterReplaysToTheSameCapture()
    {
        var packets = GeneratedTraffic.Packets(2000, seed: 5);
        string input = Write("in.pcap", PcapFiles.Pcap(packets));
        var (runtime, net, loaded) = Load(ExecutionEngine.Jit);
        var linuxRuntime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(new Ebpf.Extensions.Linux.LinuxExtension());
        using (loaded)
        using (var linux = linuxRuntime.Load(SampleObjects.Path("packet_filter_linux")))
        {
            runtime.Extensions.Attach(loaded.Program("packet_filter"));
            var windows = PacketReplay.Run(input, Path.Combine(_dir, "w.pcap"), new XdpHookProcessor(net.XdpTest));
            var fromLinux = PacketReplay.Run(input, Path.Combine(_dir, "l.pcap"), new ProgramProcessor(linuxRuntime, linux.Program("packet_filter")));
            Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "w.pcap")), File.ReadAllBytes(Path.Combine(_dir, "l.pcap")));
            foreach (var action in Enum.GetValues<PacketAction>()) Assert.Equal(windows[action], fromLinux[action]);
        }
    }

    [Fact]
    public void ActionsMatchBpfProgTestRunPerPacketWhereTheHostKernelAllows()
    {
        if (!KernelBpf.IsAvailable(out string reason))
        {
            HostKernelReport.Note(output.WriteLine, $"host kernel unavailable ({reason}): packet_filter replay not compared with BPF_PROG_TEST_RUN");
            return;
        }
        using var kernel = KernelObject.Load(SampleObjects.Path("packet_filter_linux"));
        if (kernel.Refused.TryGetValue("packet_filter", out var refusal))
        {
            if (!refusal.HostLacksCapability) throw refusal;
            HostKernelReport.Note(output.WriteLine, $"not compared: {refusal.Summary}");
            return;
        }
        var packets = GeneratedTraffic.Packets(Count);
        var (runtime, _, loaded) = Load(ExecutionEngine.Jit);
        using (loaded)
        {
            var ours = new ProgramProcessor(runtime, loaded.Program("packet_filter"));
            int compared = 0;
            foreach (var packet in packets)
            {
                if (packet.Data.Length < 14) continue; // BPF_PROG_TEST_RUN refuses XDP input shorter than an Ethernet header
                var mine = ours.Process(packet.Data);
                var theirs = kernel.Run("packet_filter", packet.Data);
                Assert.Equal(ProgramProcessor.LinuxXdpAction(theirs.ReturnValue), mine.Action);
                Assert.Equal(theirs.Packet, mine.Packet);
                compared++;
            }
            output.WriteLine($"{compared} packets compared with the host kernel");
            Assert.True(compared > Count * 9 / 10);
        }
    }

    private static Dictionary<int, ulong> PortCounts(EbpfMap map)
    {
        var counts = new Dictionary<int, ulong>();
        var key = new byte[2];
        var value = new byte[8];
        byte[]? previous = null;
        while (map.TryGetNextKey(previous ?? [], key) == EbpfResult.Success)
        {
            Assert.Equal(EbpfResult.Success, map.TryLookup(key, value));
            counts[BinaryPrimitives.ReadUInt16LittleEndian(key)] = BinaryPrimitives.ReadUInt64LittleEndian(value);
            previous = (byte[])key.Clone();
        }
        return counts;
    }
}
