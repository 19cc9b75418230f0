// Replays a pcap or pcapng file through samples/build/packet_filter.o (verified, attached to the xdp_test hook),
// writes what the filter lets through as pcap, and prints the per-action summary and the program's per-port counts.
// With --interface NAME instead of a file it observes live traffic (root): verdicts counted, not enforced.
using System.Buffers.Binary;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Net.Packets;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Objects;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: PacketFilter IN.pcap [OUT.pcap] | --interface NAME SECONDS");
    return 2;
}
string objectPath = Path.Combine(AppContext.BaseDirectory, "../../../../build/packet_filter.o");
var net = new NetExtension();
var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(net);
using var loaded = runtime.Load(objectPath);
runtime.Extensions.Attach(loaded.Program("packet_filter"));
var processor = new XdpHookProcessor(net.XdpTest);

PacketSummary summary;
if (args[0] == "--interface")
{
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(double.Parse(args[2])));
    Console.WriteLine($"observing {args[1]} (observe mode: verdicts are counted, not enforced)");
    summary = new LivePacketSource(args[1]).Observe(processor, stop.Token);
}
else
{
    summary = PacketReplay.Run(args[0], args.Length > 1 ? args[1] : null, processor);
}
Console.WriteLine(summary);

Console.WriteLine("udp_ports (packets per destination port):");
var map = loaded.Map("udp_ports");
var counts = new SortedDictionary<int, ulong>();
byte[] key = new byte[2], value = new byte[8], previous = [];
while (map.TryGetNextKey(previous, key) == Ebpf.Runtime.Maps.EbpfResult.Success)
{
    map.TryLookup(key, value);
    counts[BinaryPrimitives.ReadUInt16LittleEndian(key)] = BinaryPrimitives.ReadUInt64LittleEndian(value);
    previous = (byte[])key.Clone();
}
foreach (var (port, count) in counts.OrderByDescending(kv => kv.Value).Take(8)) Console.WriteLine($"  {port,5} {count,8}");
if (counts.Count > 8) Console.WriteLine($"  ... {counts.Count - 8} more ports");
return 0;
