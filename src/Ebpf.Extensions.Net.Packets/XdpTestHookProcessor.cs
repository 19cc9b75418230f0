namespace Ebpf.Extensions.Net.Packets;

/// <summary>The programs attached to the xdp_test hook, in attach order, as the hook runs them.</summary>
public sealed class XdpTestHookProcessor(XdpTestHook hook, uint ingressInterfaceIndex = 0) : IPacketProcessor
{
    public string Description => $"xdp_test hook ({hook.AttachedCount} program{(hook.AttachedCount == 1 ? "" : "s")})";

    public PacketVerdict Process(ReadOnlySpan<byte> packet)
    {
        var result = hook.Process(packet, ingressInterfaceIndex);
        return new PacketVerdict(ProgramProcessor.XdpTestAction((ulong)result.Action), result.Packet, (ulong)result.Action);
    }
}
