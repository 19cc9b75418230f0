using System.Buffers.Binary;
using Ebpf.Runtime.Extensions;
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
    private const int LenOffset = 0, ProtocolOffset = 16, IfindexOffset = 40;
    public const int DataOffset = SkBuffSize, DataEndOffset = SkBuffSize + 8, DataMetaOffset = SkBuffSize + 16;
    public const int Size = SkBuffSize + 24;
    public const int EthernetHeaderLength = 14;

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
        var context = new ProgramContext(Size, packet.Length, DataOffset, DataEndOffset, DataMetaOffset);
        contextIn.CopyTo(context.ContextBytes);
        context.SetData(packet);
        var fields = context.ContextBytes;
        if (!linkLayer) context.AdjustHead(EthernetHeaderLength);
        int seen = linkLayer ? packet.Length : packet.Length - EthernetHeaderLength;
        BinaryPrimitives.WriteUInt32LittleEndian(fields[LenOffset..], (uint)seen);
        // __be16 protocol, read by programs as the network-order value.
        BinaryPrimitives.WriteUInt32LittleEndian(fields[ProtocolOffset..], BinaryPrimitives.ReadUInt16LittleEndian(packet[12..]));
        if (BinaryPrimitives.ReadUInt32LittleEndian(fields[IfindexOffset..]) == 0) BinaryPrimitives.WriteUInt32LittleEndian(fields[IfindexOffset..], 1);
        return context;
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
