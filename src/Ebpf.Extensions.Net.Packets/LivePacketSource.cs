using System.Diagnostics;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Ebpf.Extensions.Net.Packets;

/// <summary>
/// Packets arriving on a network interface (libpcap's packet socket, AF_PACKET on Linux; needs root or
/// CAP_NET_RAW) run through XDP programs in <b>observe mode</b>: each verdict is counted and reported, but not
/// enforced. The kernel has already delivered the packet when user mode sees a copy, so a drop here drops
/// nothing and an XDP_TX sends nothing; the programs' maps are updated as they would be.
/// </summary>
public sealed class LivePacketSource(string interfaceName)
{
    public string InterfaceName { get; } = interfaceName;

    /// <summary>Observes until <paramref name="cancellationToken"/> fires or <paramref name="maxPackets"/> were seen (0: no limit).</summary>
    public PacketSummary Observe(IPacketProcessor processor, CancellationToken cancellationToken, long maxPackets = 0,
        Action<PacketVerdict>? onPacket = null)
    {
        ArgumentNullException.ThrowIfNull(processor);
        LibPcapLiveDevice device;
        try
        {
            device = LibPcapLiveDeviceList.New().FirstOrDefault(d => d.Name == InterfaceName)
                ?? throw new ArgumentException(
                    $"no interface '{InterfaceName}' (have: {string.Join(", ", LibPcapLiveDeviceList.New().Select(d => d.Name))})");
        }
        catch (Exception e) when (e is PcapException or DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException($"cannot list interfaces: {LibPcap.Explain(e)}", e);
        }
        try
        {
            device.Open(new DeviceConfiguration { Mode = DeviceModes.Promiscuous, ReadTimeout = 100, Snaplen = 262144 });
        }
        catch (PcapException e)
        {
            throw new UnauthorizedAccessException($"cannot capture on '{InterfaceName}' (a packet socket needs root or CAP_NET_RAW): {e.Message}", e);
        }
        var summary = new PacketSummary();
        var clock = Stopwatch.StartNew();
        try
        {
            while (!cancellationToken.IsCancellationRequested && (maxPackets == 0 || summary.Packets < maxPackets))
            {
                var status = device.GetNextPacket(out var capture);
                if (status == GetPacketStatus.ReadTimeout) continue;
                if (status != GetPacketStatus.PacketRead) break;
                var data = capture.Data;
                var verdict = processor.Process(data);
                summary.Count(data, verdict);
                onPacket?.Invoke(verdict);
            }
        }
        finally
        {
            summary.Elapsed = clock.Elapsed;
            device.Close();
        }
        return summary;
    }
}
