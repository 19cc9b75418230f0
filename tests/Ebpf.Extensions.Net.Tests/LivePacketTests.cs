using System.Buffers.Binary;
using Ebpf.Extensions.Net.Packets;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Extensions.Net.Tests;

/// <summary>A live source on one end of a veth pair, UDP sent from a network namespace on the other end.</summary>
public sealed class LivePacketTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LiveXdpProgramOnAVethEndCountsUdpFromTheNamespaceByPortExactly()
    {
        using var veth = VethPair.TryCreate(out string missing);
        if (veth is null)
        {
            HostKernelReport.Note(output.WriteLine, $"live XDP on a veth pair not run: {missing}");
            return;
        }
        var net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(net);
        using var loaded = runtime.Load(SampleObjects.Path("packet_filter"));
        runtime.Extensions.Attach(loaded.Program("packet_filter"));

        var sent = new Dictionary<int, int> { [5001] = 40, [5002] = 25, [9] = 15, [7] = 10 };
        using var stop = new CancellationTokenSource();
        var source = new LivePacketSource(veth.HostInterface);
        var observing = Task.Factory.StartNew(() => source.Observe(new XdpHookProcessor(net.XdpTest), stop.Token), TaskCreationOptions.LongRunning);
        await Task.Delay(500); // the capture is open before the first packet leaves
        string script = string.Join("; ", sent.Select(kv =>
            $"for i in $(seq {kv.Value}); do echo payload > /dev/udp/{veth.HostAddress}/{kv.Key}; done"));
        veth.InNamespace(script);

        var counts = new Dictionary<int, ulong>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            await Task.Delay(100);
            foreach (int port in sent.Keys) counts[port] = Count(loaded.Map("udp_ports"), port);
        }
        while (DateTime.UtcNow < deadline && sent.Any(kv => counts[kv.Key] < (ulong)kv.Value));
        await Task.Delay(300); // nothing more may arrive
        foreach (int port in sent.Keys) counts[port] = Count(loaded.Map("udp_ports"), port);
        stop.Cancel();
        var summary = await observing;
        output.WriteLine(summary.ToString());

        Assert.Equal(sent.ToDictionary(kv => kv.Key, kv => (ulong)kv.Value), counts);
        // Observe mode: the verdicts were counted (the echo and discard ports), not enforced.
        Assert.True(summary[PacketAction.Drop] >= sent[9] && summary[PacketAction.Tx] >= sent[7], summary.ToString());
    }

    private static ulong Count(EbpfMap map, int port)
    {
        var value = new byte[8];
        return map.TryLookup(BitConverter.GetBytes((ushort)port), value) == EbpfResult.Success ? BinaryPrimitives.ReadUInt64LittleEndian(value) : 0;
    }
}
