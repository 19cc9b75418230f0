using System.Buffers.Binary;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Net;

/// <summary>
/// An XDP hook (the xdp program type, or the historical xdp_test one): each packet goes through the attached
/// programs in order until one returns a verdict other than PASS. Context: data @0, data_end @8, data_meta @16,
/// ingress_ifindex @24 (32 bytes).
/// </summary>
public sealed class XdpHook(string section, Guid attachType, Guid programType)
    : HookProvider($"Ebpf.Extensions.Net/{section}", attachType, programType)
{
    public unsafe XdpResult Process(ReadOnlySpan<byte> packet, uint ingressInterfaceIndex)
    {
        using var ctx = NetContexts.Xdp(packet);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.ContextBytes[24..], ingressInterfaceIndex);
        var rule = new ActionRule();
        int ran = Invoke(ctx.Context, ref rule);
        return new XdpResult(rule.Action, ctx.Data.ToArray(), ran);
    }

    /// <summary>Per packet, so a struct rule rather than a closure.</summary>
    private struct ActionRule() : IHookVerdictRule
    {
        public XdpAction Action = XdpAction.Pass;

        public bool Continue(Link link, ulong returnValue)
        {
            Action = (XdpAction)(uint)returnValue;
            return Action == XdpAction.Pass;
        }
    }
}
