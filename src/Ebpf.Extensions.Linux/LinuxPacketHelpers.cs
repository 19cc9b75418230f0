using System.Buffers.Binary;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// Linux helpers that read or reshape a packet, or copy one out with an event, with Linux's ids and errors. They find
/// the packet through the real context (<see cref="ProgramContext"/>), whose layout is not the one programs were
/// verified against (an xdp_md or __sk_buff holds 32-bit pointers there).
/// </summary>
public static unsafe class LinuxPacketHelpers
{
    private const int EthernetHeaderLength = 14;
    /// <summary>bpf_xdp_pointer's limit on offset and length (larger ones are EFAULT).</summary>
    private const uint XdpAccessLimit = 0xffff;

    /// <summary>
    /// bpf_skb_load_bytes(skb, offset, to, len): copies len bytes at offset from the packet the program sees; past its
    /// end the destination is cleared and the result is EFAULT.
    /// </summary>
    public static ulong SkbLoadBytes(ulong ctx, ulong offset, ulong to, ulong length, ulong r5, ref HelperCallContext call)
    {
        var destination = HelperMemory.Writable(ref call, to, (uint)length);
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out ulong size) || (uint)offset > int.MaxValue || (uint)offset + (ulong)(uint)length > size)
        {
            destination.Clear();
            return LinuxErrno.Negative(LinuxErrno.EFault);
        }
        new ReadOnlySpan<byte>(data + (uint)offset, destination.Length).CopyTo(destination);
        return 0;
    }

    /// <summary>
    /// bpf_skb_store_bytes(skb, offset, from, len, flags): writes len bytes at offset of the packet the program sees;
    /// EINVAL for flags other than BPF_F_RECOMPUTE_CSUM and BPF_F_INVALIDATE_HASH (which a test run's checksum-less,
    /// hash-less buffer does not need), EFAULT past the packet's end.
    /// </summary>
    public static ulong SkbStoreBytes(ulong ctx, ulong offset, ulong from, ulong length, ulong flags, ref HelperCallContext call)
    {
        const ulong RecomputeChecksum = 1, InvalidateHash = 2;
        var source = HelperMemory.Readable(ref call, from, (uint)length);
        if ((flags & ~(RecomputeChecksum | InvalidateHash)) != 0) return LinuxErrno.Negative(LinuxErrno.EInval);
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out ulong size) || (uint)offset > int.MaxValue || (uint)offset + (ulong)source.Length > size)
            return LinuxErrno.Negative(LinuxErrno.EFault);
        source.CopyTo(new Span<byte>(data + (uint)offset, source.Length));
        return 0;
    }

    /// <summary>
    /// bpf_l3_csum_replace(skb, offset, from, to, flags): updates the 16-bit checksum at offset (even, below 64 KiB)
    /// for a field that changed from <paramref name="from"/> to <paramref name="to"/>; the flags' low four bits are the
    /// field's size: 2, 4, or 0 when <paramref name="to"/> is a checksum difference (and from must be 0).
    /// </summary>
    public static ulong L3CsumReplace(ulong ctx, ulong offset, ulong from, ulong to, ulong flags, ref HelperCallContext call) =>
        (flags & ~FieldSizeMask) != 0 ? LinuxErrno.Negative(LinuxErrno.EInval) : ReplaceChecksum(ctx, offset, from, to, flags, markMangledZero: false, ref call);

    /// <summary>
    /// bpf_l4_csum_replace: as <see cref="L3CsumReplace"/>, for a transport checksum. With BPF_F_MARK_MANGLED_0 (UDP) a
    /// zero checksum (none) is left alone unless BPF_F_MARK_ENFORCE, and a result of zero is written as 0xffff. A test
    /// run's packet carries no partial checksum, so BPF_F_PSEUDO_HDR changes nothing here, as in the kernel's.
    /// </summary>
    public static ulong L4CsumReplace(ulong ctx, ulong offset, ulong from, ulong to, ulong flags, ref HelperCallContext call)
    {
        const ulong PseudoHeader = 0x10, MarkMangledZero = 0x20, MarkEnforce = 0x40, Ipv6 = 0x80;
        if ((flags & ~(FieldSizeMask | PseudoHeader | MarkMangledZero | MarkEnforce | Ipv6)) != 0) return LinuxErrno.Negative(LinuxErrno.EInval);
        bool mangledZero = (flags & MarkMangledZero) != 0;
        if (mangledZero && (flags & MarkEnforce) == 0)
        {
            ushort* at = ChecksumAt(ctx, offset, ref call);
            if (at != null && *at == 0) return 0;
        }
        return ReplaceChecksum(ctx, offset, from, to, flags, mangledZero, ref call);
    }

    private const ulong FieldSizeMask = 0xf;

    private static ushort* ChecksumAt(ulong ctx, ulong offset, ref HelperCallContext call)
    {
        uint start = (uint)offset;
        if (start > XdpAccessLimit || (start & 1) != 0 || !LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out ulong size) || start + 2UL > size) return null;
        return (ushort*)(data + start);
    }

    private static ulong ReplaceChecksum(ulong ctx, ulong offset, ulong from, ulong to, ulong flags, bool markMangledZero, ref HelperCallContext call)
    {
        ushort* sum = ChecksumAt(ctx, offset, ref call);
        if (sum == null) return LinuxErrno.Negative(LinuxErrno.EFault);
        switch (flags & FieldSizeMask)
        {
            // As the kernel's csum_replace_by_diff, csum_replace2 and csum_replace4, which keep 0 and 0xffff apart.
            case 0:
                if (from != 0) return LinuxErrno.Negative(LinuxErrno.EInval);
                *sum = (ushort)~Fold16(Add32((uint)to, ~(uint)*sum));
                break;
            case 2:
                *sum = (ushort)~Add16(Add16((ushort)~*sum, (ushort)~from), (ushort)to);
                break;
            case 4:
                *sum = (ushort)~Fold16(Add32(Add32(~(uint)*sum, ~(uint)from), (uint)to));
                break;
            default:
                return LinuxErrno.Negative(LinuxErrno.EInval);
        }
        if (markMangledZero && *sum == 0) *sum = 0xffff;
        return 0;
    }

    /// <summary>16-bit one's-complement addition (the carry goes around).</summary>
    private static ushort Add16(ushort a, ushort b)
    {
        ushort sum = unchecked((ushort)(a + b));
        return sum < b ? (ushort)(sum + 1) : sum;
    }

    /// <summary>32-bit one's-complement addition (the carry goes around).</summary>
    private static uint Add32(uint a, uint b)
    {
        uint sum = unchecked(a + b);
        return sum < b ? sum + 1 : sum;
    }

    /// <summary>bpf_xdp_load_bytes(xdp, offset, buf, len): EFAULT past 64 KiB, EINVAL past the packet's end.</summary>
    public static ulong XdpLoadBytes(ulong ctx, ulong offset, ulong buffer, ulong length, ulong r5, ref HelperCallContext call)
    {
        var destination = HelperMemory.Writable(ref call, buffer, (uint)length);
        if (XdpRange(ctx, offset, length, ref call, out byte* at) is var failure and not 0) return failure;
        new ReadOnlySpan<byte>(at, destination.Length).CopyTo(destination);
        return 0;
    }

    /// <summary>bpf_xdp_store_bytes(xdp, offset, buf, len): the inverse of <see cref="XdpLoadBytes"/>.</summary>
    public static ulong XdpStoreBytes(ulong ctx, ulong offset, ulong buffer, ulong length, ulong r5, ref HelperCallContext call)
    {
        var source = HelperMemory.Readable(ref call, buffer, (uint)length);
        if (XdpRange(ctx, offset, length, ref call, out byte* at) is var failure and not 0) return failure;
        source.CopyTo(new Span<byte>(at, source.Length));
        return 0;
    }

    private static ulong XdpRange(ulong ctx, ulong offset, ulong length, ref HelperCallContext call, out byte* at)
    {
        at = null;
        uint start = (uint)offset, count = (uint)length;
        if (start > XdpAccessLimit || count > XdpAccessLimit) return LinuxErrno.Negative(LinuxErrno.EFault);
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out ulong size) || start + (ulong)count > size) return LinuxErrno.Negative(LinuxErrno.EInval);
        at = data + start;
        return 0;
    }

    /// <summary>
    /// bpf_xdp_adjust_tail(xdp, delta): moves the packet's end; it must stay at least an Ethernet header past the
    /// start and within the frame (the buffer's end here: test runs size it as the kernel's page-sized frame). Grown
    /// bytes are cleared, as the kernel does.
    /// </summary>
    public static ulong XdpAdjustTail(ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var owner = LinuxContextAccess.Owner(ctx, ref call);
        if (owner is null || !owner.HasData) return LinuxErrno.Negative(LinuxErrno.EInval);
        ulong* fields = (ulong*)ctx;
        ulong data = fields[LinuxXdpContext.DataOffset / 8], end = fields[LinuxXdpContext.DataEndOffset / 8];
        long offset = (int)delta;
        ulong newEnd = (ulong)((long)end + offset);
        ulong hardEnd = (ulong)owner.DataBuffer + (ulong)owner.BufferLength;
        if (newEnd > hardEnd || newEnd < data + EthernetHeaderLength) return LinuxErrno.Negative(LinuxErrno.EInval);
        if (offset > 0)
        {
            new Span<byte>((void*)end, (int)offset).Clear();
            call.RegisterRegion(end, (ulong)offset, MemoryAccess.ReadWrite, "packet tail");
        }
        fields[LinuxXdpContext.DataEndOffset / 8] = newEnd;
        return 0;
    }

    /// <summary>
    /// bpf_perf_event_output(ctx, map, flags, data, size) on a packet program: bits 32..51 of the flags append that many
    /// bytes of the packet (more than it has: EFAULT). Other failures keep the runtime's codes in Linux's terms.
    /// </summary>
    public static ulong PerfEventOutput(ulong ctx, ulong map, ulong flags, ulong data, ulong size, ref HelperCallContext call)
    {
        if (MapHelpers.Resolve(map, LinuxHelperIds.PerfEventOutput, ref call) is not PerfEventArrayMap perf)
            return LinuxErrno.Negative(LinuxErrno.EInval);
        HelperMemory.Readable(ref call, data, size);
        LinuxContextAccess.TryPacket(ctx, ref call, out byte* packet, out ulong packetLength);
        ulong capture = (flags & PerfEventArrayMap.CaptureLengthMask) >> 32;
        if (capture > packetLength) return LinuxErrno.Negative(LinuxErrno.EFault);
        return LinuxErrno.FromResult(perf.OutputFromProgram(flags, (byte*)data, size, packet, packetLength));
    }

    /// <summary>
    /// bpf_ringbuf_output(ringbuf, data, size, flags): EINVAL for flags other than the wake-up hints, EAGAIN when the
    /// record does not fit (the kernel does not tell a full ring from a record too large for it).
    /// </summary>
    public static ulong RingbufOutput(ulong map, ulong data, ulong size, ulong flags, ulong r5, ref HelperCallContext call)
    {
        const ulong WakeUpHints = 1 | 2; // BPF_RB_NO_WAKEUP, BPF_RB_FORCE_WAKEUP
        if ((flags & ~WakeUpHints) != 0) return LinuxErrno.Negative(LinuxErrno.EInval);
        if (MapHelpers.Resolve(map, LinuxHelperIds.RingbufOutput, ref call) is not RingBufferMap ring)
            return LinuxErrno.Negative(LinuxErrno.EInval);
        HelperMemory.Readable(ref call, data, size);
        return ring.OutputFromProgram((byte*)data, size, flags) == 0 ? 0 : LinuxErrno.Negative(LinuxErrno.EAgain);
    }

    /// <summary>
    /// bpf_csum_diff(from, from_size, to, to_size, seed): seed, plus the one's-complement sum of the to bytes, minus that
    /// of the from bytes, folded to 16 bits, as the host kernel (6.18) returns it on every architecture: sizes need not
    /// be multiples of 4 (an odd last byte counts as a low byte).
    /// </summary>
    public static ulong CsumDiff(ulong from, ulong fromSize, ulong to, ulong toSize, ulong seed, ref HelperCallContext call)
    {
        ulong sum = (uint)seed;
        if ((uint)toSize > 0) sum += Sum(HelperMemory.Readable(ref call, to, (uint)toSize));
        if ((uint)fromSize > 0) sum += uint.MaxValue - Fold16(Sum(HelperMemory.Readable(ref call, from, (uint)fromSize)));
        return Fold16(sum);
    }

    /// <summary>The sum of the little-endian 16-bit words of <paramref name="bytes"/> (an odd last byte alone).</summary>
    private static ulong Sum(ReadOnlySpan<byte> bytes)
    {
        ulong sum = 0;
        int i = 0;
        for (; i + 1 < bytes.Length; i += 2) sum += BinaryPrimitives.ReadUInt16LittleEndian(bytes[i..]);
        if (i < bytes.Length) sum += bytes[i];
        return sum;
    }

    /// <summary>Folds a sum into 16 bits with end-around carries.</summary>
    private static ulong Fold16(ulong sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return sum;
    }

    /// <summary>bpf_xdp_get_buff_len(xdp): the packet's length (a test run's frame has no fragments).</summary>
    public static ulong XdpGetBuffLen(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        LinuxContextAccess.TryPacket(ctx, ref call, out _, out ulong length) ? length : 0;

    /// <summary>bpf_jiffies64: ticks of a 1000 Hz clock (CONFIG_HZ=1000) since boot, from the boot-time clock.</summary>
    public static ulong Jiffies64(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        UtilityHelpers.KtimeGetBootMs(r1, r2, r3, r4, r5, ref call);

    /// <summary>bpf_get_numa_node_id: this runtime sees one node.</summary>
    public static ulong GetNumaNodeId(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) => 0;
}
