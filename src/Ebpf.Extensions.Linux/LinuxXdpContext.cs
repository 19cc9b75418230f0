using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// The real context behind a Linux <c>struct xdp_md</c>. Linux programs see 32-bit fields (data at 0, data_end 4,
/// data_meta 8, ingress_ifindex 12, rx_queue_index 16, egress_ifindex 20); as in the kernel, loads of them are
/// rewritten (<see cref="FieldMap"/>) to loads from this layout, which holds 64-bit pointers.
/// </summary>
public static class LinuxXdpContext
{
    public const int DataOffset = 0;
    public const int DataEndOffset = 8;
    public const int DataMetaOffset = 16;
    public const int IngressIfindexOffset = 24;
    public const int RxQueueIndexOffset = 28;
    public const int EgressIfindexOffset = 32;
    public const int Size = 40;

    /// <summary>Linux <c>xdp_md</c> field offset (4-byte loads only) to (offset here, load size here).</summary>
    public static IReadOnlyDictionary<int, (int Offset, int Size)> FieldMap { get; } = new Dictionary<int, (int, int)>
    {
        [0] = (DataOffset, 8),
        [4] = (DataEndOffset, 8),
        [8] = (DataMetaOffset, 8),
        [12] = (IngressIfindexOffset, 4),
        [16] = (RxQueueIndexOffset, 4),
        [20] = (EgressIfindexOffset, 4),
    };

    /// <summary>A context whose data buffer can hold <paramref name="capacity"/> bytes after the headroom.</summary>
    public static ProgramContext Create(int capacity) =>
        new(Size, capacity, DataOffset, DataEndOffset, DataMetaOffset);

    /// <summary>
    /// Bytes of packet a test run's frame can hold: BPF_PROG_TEST_RUN puts the packet in a 4 KiB page after 256 bytes
    /// of headroom and keeps 320 bytes (the aligned skb_shared_info) free at its end; bpf_xdp_adjust_tail grows into the rest.
    /// </summary>
    public const int FrameCapacity = 4096 - ProgramContext.Headroom - 320;

    /// <summary>A context holding a copy of <paramref name="packet"/>, in a frame of at least <see cref="FrameCapacity"/> bytes.</summary>
    public static ProgramContext Create(ReadOnlySpan<byte> packet, uint ingressIfindex = 1, uint rxQueueIndex = 0)
    {
        var context = Create(Math.Max(packet.Length, FrameCapacity));
        context.SetData(packet);
        unsafe
        {
            *(uint*)(context.Context + IngressIfindexOffset) = ingressIfindex;
            *(uint*)(context.Context + RxQueueIndexOffset) = rxQueueIndex;
        }
        return context;
    }

    /// <summary>
    /// The metadata and the packet (data_meta to data_end): what BPF_PROG_TEST_RUN returns as data_out for XDP.
    /// </summary>
    public static unsafe ReadOnlySpan<byte> MetaAndData(ProgramContext context)
    {
        ulong* fields = (ulong*)context.Context;
        ulong meta = fields[DataMetaOffset / 8], end = fields[DataEndOffset / 8];
        ulong lo = (ulong)context.DataBuffer, hi = lo + (ulong)context.BufferLength;
        if (meta < lo || end > hi || meta > end)
            throw new InvalidOperationException("The program left the context's data pointers outside its buffer.");
        return new ReadOnlySpan<byte>((void*)meta, (int)(end - meta));
    }
}
