using System.Buffers.Binary;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Verifier.Platforms;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// The real context behind a Linux <c>struct __sk_buff</c> for test runs: the 32-bit fields at their own offsets,
/// then the packet pointers programs read as 32-bit data (76), data_end (80) and data_meta (140) as 64-bit ones
/// behind them, where <see cref="FieldMap"/> sends those loads.
/// </summary>
public static class LinuxSkBuffContext
{
    private const int SkBuffSize = 192;
    private const int LenOffset = 0, PacketTypeOffset = 4, ProtocolOffset = 16, VlanPresentOffset = 20, VlanTciOffset = 24, VlanProtoOffset = 28,
        IfindexOffset = 40;
    public const int HashOffset = 68;
    public const int DataOffset = SkBuffSize, DataEndOffset = SkBuffSize + 8, DataMetaOffset = SkBuffSize + 16;
    /// <summary>Behind the pointers, where no program field maps: the cookie of the socket the packet belongs to.</summary>
    private const int SocketCookieOffset = SkBuffSize + 24;
    public const int Size = SkBuffSize + 32;
    /// <summary>What a test run returns as the context: all but the socket cookie.</summary>
    public const int ContextOutLength = SocketCookieOffset;
    public const int EthernetHeaderLength = 14;

    /// <summary>Bytes of frame a test run's buffer holds (a 4 KiB page less headroom and shared info): room to grow the tail.</summary>
    public const int Capacity = LinuxXdpContext.FrameCapacity;

    private static long s_nextSocketCookie;

    private const int MarkOffset = 8, QueueMappingOffset = 12, PriorityOffset = 32, TcIndexOffset = 44, CbOffset = 48, TcClassidOffset = 72;

    /// <summary>What a socket filter may write: cb[0..4] (the kernel's sk_filter_is_valid_access).</summary>
    public static IReadOnlySet<int> SocketFilterWritable { get; } = Enumerable.Range(0, 5).Select(i => CbOffset + 4 * i).ToHashSet();

    /// <summary>What a tc classifier may write besides cb[]: mark, queue_mapping, priority, tc_index, tc_classid (tc_cls_act_is_valid_access).</summary>
    public static IReadOnlySet<int> ClassifierWritable { get; } =
        SocketFilterWritable.Concat([MarkOffset, QueueMappingOffset, PriorityOffset, TcIndexOffset, TcClassidOffset]).ToHashSet();

    /// <summary><c>__sk_buff</c> offset (4-byte loads) to (offset here, load size here): the 32-bit fields stay, the pointers widen.</summary>
    public static IReadOnlyDictionary<int, (int Offset, int Size)> FieldMap { get; } = Build();

    private static Dictionary<int, (int, int)> Build()
    {
        var map = new Dictionary<int, (int, int)>();
        for (int offset = 0; offset < SkBuffSize; offset += 4) map[offset] = (offset, 4);
        map[LinuxPlatform.SkBuff.Data] = (DataOffset, 8);
        map[LinuxPlatform.SkBuff.End] = (DataEndOffset, 8);
        map[LinuxPlatform.SkBuff.Meta] = (DataMetaOffset, 8);
        return map;
    }

    /// <summary>
    /// A context holding <paramref name="packet"/> (an Ethernet frame), as BPF_PROG_TEST_RUN builds it: the protocol
    /// from the frame; for a program that sees the link layer (<paramref name="linkLayer"/>, as tc) the data starts
    /// at the frame, otherwise (a socket filter) after the Ethernet header, and len counts what it sees.
    /// </summary>
    public static ProgramContext Create(ReadOnlySpan<byte> contextIn, ReadOnlySpan<byte> packet, bool linkLayer)
    {
        if (contextIn.Length > SkBuffSize)
            throw new ArgumentException($"ctx_in is {contextIn.Length} bytes; a __sk_buff is {SkBuffSize} bytes.", nameof(contextIn));
        if (packet.Length < EthernetHeaderLength)
            throw new ArgumentException($"data_in is {packet.Length} bytes, shorter than an Ethernet header.", nameof(packet));
        var context = new ProgramContext(Size, Math.Max(packet.Length, Capacity), DataOffset, DataEndOffset, DataMetaOffset);
        contextIn.CopyTo(context.ContextBytes);
        context.SetData(packet);
        var fields = context.ContextBytes;
        if (!linkLayer) context.AdjustHead(EthernetHeaderLength);
        int seen = linkLayer ? packet.Length : packet.Length - EthernetHeaderLength;
        BinaryPrimitives.WriteUInt32LittleEndian(fields[LenOffset..], (uint)seen);
        // As eth_type_trans on the loopback device test runs use (address and broadcast address all zeros).
        BinaryPrimitives.WriteUInt32LittleEndian(fields[PacketTypeOffset..], PacketType(packet[..6]));
        // __be16 protocol, read by programs as the network-order value.
        BinaryPrimitives.WriteUInt32LittleEndian(fields[ProtocolOffset..], BinaryPrimitives.ReadUInt16LittleEndian(packet[12..]));
        if (BinaryPrimitives.ReadUInt32LittleEndian(fields[IfindexOffset..]) == 0) BinaryPrimitives.WriteUInt32LittleEndian(fields[IfindexOffset..], 1);
        // BPF_PROG_TEST_RUN gives the packet a socket of its own, whose cookie (sock_gen_cookie) is never 0.
        BinaryPrimitives.WriteUInt64LittleEndian(fields[SocketCookieOffset..], (ulong)Interlocked.Increment(ref s_nextSocketCookie));
        return context;
    }

    /// <summary>PACKET_HOST (0) for the device's own address, else PACKET_MULTICAST (2) or PACKET_OTHERHOST (3).</summary>
    private static uint PacketType(ReadOnlySpan<byte> destination) =>
        destination.IndexOfAnyExcept((byte)0) < 0 ? 0u : (destination[0] & 1) != 0 ? 2u : 3u;

    /// <summary>The frame from its link-layer header to data_end, whichever header the program's data starts at.</summary>
    internal static unsafe bool TryFrame(ulong ctx, ref HelperCallContext call, out ReadOnlySpan<byte> frame)
    {
        frame = default;
        if (LinuxContextAccess.Owner(ctx, ref call) is not { HasData: true } owner) return false;
        frame = Frame(owner);
        return true;
    }

    /// <summary>The cookie of the test run's socket.</summary>
    internal static unsafe ulong SocketCookie(ulong ctx, ref HelperCallContext call) =>
        LinuxContextAccess.Owner(ctx, ref call) is { } owner ? *(ulong*)(owner.Context + SocketCookieOffset) : 0;

    /// <summary>
    /// Moves the packet's end to <paramref name="newLength"/> bytes past its start: ENOMEM beyond the buffer, EINVAL
    /// below an Ethernet header; grown bytes are cleared (and granted to a checked run); len follows.
    /// </summary>
    internal static unsafe ulong Resize(ulong ctx, ref HelperCallContext call, byte* data, ulong length, uint newLength)
    {
        var owner = LinuxContextAccess.Owner(ctx, ref call)!;
        ulong bufferEnd = (ulong)owner.DataBuffer + (ulong)owner.BufferLength;
        if (newLength < EthernetHeaderLength) return LinuxErrno.Negative(LinuxErrno.EInval);
        if ((ulong)data + newLength > bufferEnd) return LinuxErrno.Negative(LinuxErrno.ENomem);
        if (newLength > length)
        {
            new Span<byte>(data + length, (int)(newLength - length)).Clear();
            call.RegisterRegion((ulong)data + length, newLength - length, Runtime.Interpretation.MemoryAccess.ReadWrite, "packet tail");
        }
        *(ulong*)(owner.Context + DataEndOffset) = (ulong)data + newLength;
        *(uint*)(owner.Context + LenOffset) = newLength;
        return 0;
    }

    /// <summary>
    /// Opens <paramref name="count"/> zeroed bytes at <paramref name="offset"/> of the packet (a negative count closes
    /// -count bytes there), moving what follows: ENOMEM when the buffer has no room. len and data_end follow.
    /// </summary>
    internal static unsafe ulong Splice(ulong ctx, ref HelperCallContext call, uint offset, int count)
    {
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out ulong length) || offset > length) return LinuxErrno.Negative(LinuxErrno.EInval);
        ulong tail = length - offset;
        if (count < 0)
        {
            if ((ulong)-count > tail) return LinuxErrno.Negative(LinuxErrno.EInval);
            Buffer.MemoryCopy(data + offset - count, data + offset, tail + (ulong)count, tail + (ulong)count);
            return Resize(ctx, ref call, data, length, (uint)(length - (ulong)-count));
        }
        var owner = LinuxContextAccess.Owner(ctx, ref call)!;
        if ((ulong)data + length + (ulong)count > (ulong)owner.DataBuffer + (ulong)owner.BufferLength) return LinuxErrno.Negative(LinuxErrno.ENomem);
        ulong status = Resize(ctx, ref call, data, length, (uint)(length + (ulong)count));
        if (status != 0) return status;
        Buffer.MemoryCopy(data + offset, data + offset + count, tail, tail);
        new Span<byte>(data + offset, count).Clear();
        return 0;
    }

    /// <summary>The packet's network protocol as skb->protocol holds it (the big-endian EtherType read as it lies in memory).</summary>
    internal static unsafe ushort Protocol(ulong ctx) => (ushort)*(uint*)(ctx + ProtocolOffset);

    internal static unsafe void SetProtocol(ulong ctx, ushort protocol) => *(uint*)(ctx + ProtocolOffset) = protocol;

    /// <summary>The tag the device would carry out of band (skb->vlan_present, vlan_tci, vlan_proto).</summary>
    internal static unsafe (bool Present, ushort Tci, ushort Proto) VlanTag(ulong ctx) =>
        (*(uint*)(ctx + VlanPresentOffset) != 0, (ushort)*(uint*)(ctx + VlanTciOffset), (ushort)*(uint*)(ctx + VlanProtoOffset));

    internal static unsafe void SetVlanTag(ulong ctx, bool present, ushort tci, ushort proto)
    {
        *(uint*)(ctx + VlanPresentOffset) = present ? 1u : 0;
        *(uint*)(ctx + VlanTciOffset) = tci;
        *(uint*)(ctx + VlanProtoOffset) = proto;
    }

    /// <summary>
    /// A flow hash of an IPv4 or IPv6 frame's addresses, protocol and TCP/UDP ports (0 for other frames), keyed by this
    /// process's random secret (<see cref="HashCode"/>), never 0 for a flow, as the kernel's.
    /// </summary>
    internal static uint FlowHash(ReadOnlySpan<byte> frame)
    {
        const int Ip = EthernetHeaderLength;
        if (frame.Length < Ip) return 0;
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        ReadOnlySpan<byte> addresses;
        byte protocol;
        int transport;
        if (etherType == 0x0800 && frame.Length >= Ip + 20)
        {
            protocol = frame[Ip + 9];
            addresses = frame.Slice(Ip + 12, 8);
            transport = Ip + (frame[Ip] & 0xf) * 4;
        }
        else if (etherType == 0x86dd && frame.Length >= Ip + 40)
        {
            protocol = frame[Ip + 6];
            addresses = frame.Slice(Ip + 8, 32);
            transport = Ip + 40;
        }
        else return 0;
        var hash = new HashCode();
        hash.AddBytes(addresses);
        hash.Add(protocol);
        if (protocol is 6 or 17 && frame.Length >= transport + 4) hash.Add(BinaryPrimitives.ReadUInt32BigEndian(frame[transport..]));
        uint value = (uint)hash.ToHashCode();
        return value == 0 ? 1 : value;
    }

    /// <summary>The frame from its first byte to data_end (BPF_PROG_TEST_RUN returns the link-layer header too).</summary>
    public static unsafe ReadOnlySpan<byte> Frame(ProgramContext context)
    {
        byte* start = context.DataBuffer + ProgramContext.Headroom;
        ulong end = *(ulong*)(context.Context + DataEndOffset);
        if (end < (ulong)start || end > (ulong)context.DataBuffer + (ulong)context.BufferLength)
            throw new InvalidOperationException("The program left the context's data pointers outside its buffer.");
        return new ReadOnlySpan<byte>(start, (int)(end - (ulong)start));
    }
}
