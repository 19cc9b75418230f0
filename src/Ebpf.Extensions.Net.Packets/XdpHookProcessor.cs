namespace Ebpf.Extensions.Net.Packets;

/// <summary>The programs attached to an XDP hook of the network extension (xdp or xdp_test), in attach order, as the hook runs them.</summary>
public sealed class XdpHookProcessor(XdpHook hook, uint ingressInterfaceIndex = 0) : IPacketProcessor
{
    public string Description => $"{hook.Name} hook ({hook.AttachedCount} program{(hook.AttachedCount == 1 ? "" : "s")})";

    public PacketVerdict Process(ReadOnlySpan<byte> packet)
    {
        var result = hook.Process(packet, ingressInterfaceIndex);
        return new PacketVerdict(ProgramProcessor.WindowsXdpAction((ulong)result.Action), result.Packet, (ulong)result.Action);
    }
}
