using System.Buffers.Binary;
using System.Net.Sockets;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Net;

/// <summary>
/// The sock_ops hook: a notification, every program runs and the return value is ignored. Context
/// <c>bpf_sock_ops_t</c> (64 bytes): op @0, family @4, local ip @8, local port @24, remote ip @28, remote port @44,
/// protocol @48, compartment @52, interface LUID @56; ports in network order in a u32.
/// </summary>
public sealed class SockOpsHook() : HookProvider("Ebpf.Extensions.Net/sockops", WellKnownAttachTypes.SockOps, WellKnownProgramTypes.SockOpsGuid)
{
    public unsafe int Notify(SockOpsEvent e)
    {
        using var ctx = NetContexts.Plain(WellKnownProgramTypes.SockOps.Context);
        var b = ctx.ContextBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)e.Operation);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], e.Local.AddressFamily == AddressFamily.InterNetworkV6 ? 23u : 2u);
        e.Local.Address.GetAddressBytes().CopyTo(b[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(b[24..], BinaryPrimitives.ReverseEndianness((ushort)e.Local.Port));
        e.Remote.Address.GetAddressBytes().CopyTo(b[28..]);
        BinaryPrimitives.WriteUInt32LittleEndian(b[44..], BinaryPrimitives.ReverseEndianness((ushort)e.Remote.Port));
        b[48] = (byte)e.Protocol;
        BinaryPrimitives.WriteUInt32LittleEndian(b[52..], e.CompartmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(b[56..], e.InterfaceLuid);
        ctx.State = e;
        return Invoke(ctx.Context);
    }
}
