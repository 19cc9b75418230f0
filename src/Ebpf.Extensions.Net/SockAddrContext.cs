using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Net;

/// <summary><c>bpf_sock_addr_t</c> (64 bytes): addresses and ports in network order.</summary>
public static class SockAddrContext
{
    public const int Family = 0;
    public const int MsgSrcIp = 4;
    public const int MsgSrcPort = 20;
    public const int UserIp = 24;
    public const int UserPort = 40;
    public const int Protocol = 44;
    public const int CompartmentId = 48;
    public const int InterfaceLuid = 56;

    public static ProgramContext FromEvent(SockAddrEvent e)
    {
        var ctx = NetContexts.Plain(WellKnownProgramTypes.SockAddr.Context);
        var b = ctx.ContextBytes;
        BinaryPrimitives.WriteUInt32LittleEndian(b[Family..], e.Family == AddressFamily.InterNetworkV6 ? 23u : 2u); // AF_INET6 = 23 on Windows
        e.Source.Address.GetAddressBytes().CopyTo(b[MsgSrcIp..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[MsgSrcPort..], (ushort)e.Source.Port);
        e.Destination.Address.GetAddressBytes().CopyTo(b[UserIp..]);
        BinaryPrimitives.WriteUInt16BigEndian(b[UserPort..], (ushort)e.Destination.Port);
        BinaryPrimitives.WriteUInt32LittleEndian(b[Protocol..], (uint)e.Protocol);
        BinaryPrimitives.WriteUInt32LittleEndian(b[CompartmentId..], e.CompartmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(b[InterfaceLuid..], e.InterfaceLuid);
        ctx.State = e;
        return ctx;
    }

    /// <summary>The destination a program may have rewritten (connect redirect).</summary>
    public static IPEndPoint Destination(ProgramContext ctx, AddressFamily family)
    {
        var b = ctx.ContextBytes;
        int length = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        return new IPEndPoint(new IPAddress(b.Slice(UserIp, length)), BinaryPrimitives.ReadUInt16BigEndian(b[UserPort..]));
    }
}
