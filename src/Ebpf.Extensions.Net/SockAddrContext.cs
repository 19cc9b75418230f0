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
        Fill(ctx, e);
        return ctx;
    }

    /// <summary>Writes <paramref name="e"/> into a sock_addr context (cleared first, so a context may be reused).</summary>
    public static void Fill(ProgramContext ctx, SockAddrEvent e)
    {
        var b = ctx.ContextBytes;
        b.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(b[Family..], e.Family == AddressFamily.InterNetworkV6 ? 23u : 2u); // AF_INET6 = 23 on Windows
        e.Source.Address.TryWriteBytes(b[MsgSrcIp..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(b[MsgSrcPort..], (ushort)e.Source.Port);
        e.Destination.Address.TryWriteBytes(b[UserIp..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(b[UserPort..], (ushort)e.Destination.Port);
        BinaryPrimitives.WriteUInt32LittleEndian(b[Protocol..], (uint)e.Protocol);
        BinaryPrimitives.WriteUInt32LittleEndian(b[CompartmentId..], e.CompartmentId);
        BinaryPrimitives.WriteUInt64LittleEndian(b[InterfaceLuid..], e.InterfaceLuid);
        ctx.State = e;
    }

    /// <summary>The destination a program may have rewritten (connect redirect).</summary>
    public static IPEndPoint Destination(ProgramContext ctx, AddressFamily family)
    {
        var b = ctx.ContextBytes;
        int length = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        return new IPEndPoint(new IPAddress(b.Slice(UserIp, length)), BinaryPrimitives.ReadUInt16BigEndian(b[UserPort..]));
    }

    /// <summary>The destination after the programs: the event's own endpoint when they left it as it was.</summary>
    public static IPEndPoint Destination(ProgramContext ctx, SockAddrEvent e)
    {
        var b = ctx.ContextBytes;
        int length = e.Family == AddressFamily.InterNetworkV6 ? 16 : 4;
        Span<byte> original = stackalloc byte[16];
        e.Destination.Address.TryWriteBytes(original, out _);
        bool unchanged = BinaryPrimitives.ReadUInt16BigEndian(b[UserPort..]) == e.Destination.Port
            && b.Slice(UserIp, length).SequenceEqual(original[..length]);
        return unchanged ? e.Destination : Destination(ctx, e.Family);
    }
}
