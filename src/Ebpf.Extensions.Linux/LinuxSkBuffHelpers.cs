using System.Buffers.Binary;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// Helpers of socket filters and tc classifiers that read or reshape the <c>__sk_buff</c> itself (the packet bytes
/// are <see cref="LinuxPacketHelpers"/>'), with Linux's ids and errors, over the test-run context
/// <see cref="LinuxSkBuffContext"/> builds: one linear buffer, no fragments, a socket behind it.
/// </summary>
public static unsafe class LinuxSkBuffHelpers
{
    private const ulong TcActShot = 2, TcActRedirect = 7, IngressFlag = 1;

    /// <summary>tc's bpf_redirect(ifindex, flags): TC_ACT_REDIRECT, or TC_ACT_SHOT for a flag other than BPF_F_INGRESS.</summary>
    public static ulong Redirect(ulong ifindex, ulong flags, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        (flags & ~IngressFlag) != 0 ? TcActShot : TcActRedirect;

    /// <summary>
    /// bpf_skb_pull_data(skb, len): makes len bytes linear. The whole packet is linear here, so it only checks len
    /// against the packet (larger: ENOMEM, as pskb_may_pull fails) and returns 0.
    /// </summary>
    public static ulong PullData(ulong ctx, ulong length, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out _, out ulong size)) return LinuxErrno.Negative(LinuxErrno.EInval);
        return (uint)length <= size ? 0 : LinuxErrno.Negative(LinuxErrno.ENomem);
    }

    /// <summary>
    /// bpf_get_hash_recalc(skb): the flow hash of the packet's addresses, protocol and ports (0 for a packet that is not
    /// IPv4 or IPv6), stored in skb->hash as well. Stable within this process; like the kernel's, keyed by a random
    /// secret, so its values are not the kernel's.
    /// </summary>
    public static ulong GetHashRecalc(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (!LinuxSkBuffContext.TryFrame(ctx, ref call, out var frame)) return 0;
        uint hash = LinuxSkBuffContext.FlowHash(frame);
        *(uint*)(ctx + LinuxSkBuffContext.HashOffset) = hash;
        return hash;
    }

    /// <summary>
    /// bpf_skb_load_bytes_relative(skb, offset, to, len, start): as bpf_skb_load_bytes, from the link-layer
    /// (BPF_HDR_START_MAC, 0) or network (BPF_HDR_START_NET, 1) header; past the packet, another start or an offset
    /// past 64 KiB: EFAULT, with the destination cleared.
    /// </summary>
    public static ulong LoadBytesRelative(ulong ctx, ulong offset, ulong to, ulong length, ulong start, ref HelperCallContext call)
    {
        const ulong MacHeader = 0, NetworkHeader = 1;
        var destination = HelperMemory.Writable(ref call, to, (uint)length);
        if (start is not (MacHeader or NetworkHeader) || !LinuxSkBuffContext.TryFrame(ctx, ref call, out var frame) || (uint)offset > 0xffff)
        {
            destination.Clear();
            return LinuxErrno.Negative(LinuxErrno.EFault);
        }
        var from = start == MacHeader ? frame : frame[Math.Min(frame.Length, LinuxSkBuffContext.EthernetHeaderLength)..];
        if ((uint)offset + (ulong)destination.Length > (ulong)from.Length)
        {
            destination.Clear();
            return LinuxErrno.Negative(LinuxErrno.EFault);
        }
        from.Slice((int)(uint)offset, destination.Length).CopyTo(destination);
        return 0;
    }

    /// <summary>bpf_get_socket_cookie(skb): the cookie of the socket a test run's packet belongs to (never 0).</summary>
    public static ulong GetSocketCookie(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        LinuxSkBuffContext.SocketCookie(ctx, ref call);

    /// <summary>
    /// bpf_skb_change_tail(skb, new_len, flags): trims or zero-extends the packet to new_len (at least an Ethernet
    /// header for a classifier); flags must be 0 (EINVAL). The buffer holds <see cref="LinuxSkBuffContext.Capacity"/>
    /// bytes: longer is ENOMEM here (the kernel grows up to the device's MTU).
    /// </summary>
    public static ulong ChangeTail(ulong ctx, ulong newLength, ulong flags, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (flags != 0 || !LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out ulong size)) return LinuxErrno.Negative(LinuxErrno.EInval);
        return LinuxSkBuffContext.Resize(ctx, ref call, data, size, (uint)newLength);
    }

    // Big-endian EtherTypes as skb->protocol holds them (read as they lie in memory).
    private const ushort Ipv4 = 0x0008, Ipv6 = 0xdd86, Vlan8021Q = 0x0081, Vlan8021AD = 0xa888;
    private const int MacAddresses = 12, VlanHeaderLength = 4;
    private const long ENotSupp = 524, EAlready = 114;

    /// <summary>
    /// bpf_skb_vlan_push(skb, proto, tci): the tag goes out of band (vlan_present, vlan_tci, vlan_proto), as a device
    /// with VLAN offload carries it; a tag already there moves into the frame first, behind the MAC addresses. A
    /// protocol other than 802.1Q or 802.1ad counts as 802.1Q, as in the kernel.
    /// </summary>
    public static ulong VlanPush(ulong ctx, ulong proto, ulong tci, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out _, out _)) return LinuxErrno.Negative(LinuxErrno.EInval);
        ushort vlanProto = (ushort)proto is Vlan8021Q or Vlan8021AD ? (ushort)proto : Vlan8021Q;
        var (present, oldTci, oldProto) = LinuxSkBuffContext.VlanTag(ctx);
        if (present)
        {
            ulong status = LinuxSkBuffContext.Splice(ctx, ref call, MacAddresses, VlanHeaderLength);
            if (status != 0) return status;
            LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out _);
            *(ushort*)(data + MacAddresses) = oldProto;
            BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(data + MacAddresses + 2, 2), oldTci);
            LinuxSkBuffContext.SetProtocol(ctx, oldProto);
        }
        LinuxSkBuffContext.SetVlanTag(ctx, true, (ushort)tci, vlanProto);
        return 0;
    }

    /// <summary>
    /// bpf_skb_vlan_pop(skb): drops the out-of-band tag, or the frame's outer tag when there is none; a tag left in
    /// the frame then moves out of band, as the kernel's skb_vlan_pop.
    /// </summary>
    public static ulong VlanPop(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out _, out _)) return LinuxErrno.Negative(LinuxErrno.EInval);
        if (LinuxSkBuffContext.VlanTag(ctx).Present) LinuxSkBuffContext.SetVlanTag(ctx, false, 0, 0);
        else if (!IsVlan(LinuxSkBuffContext.Protocol(ctx))) return 0;
        else if (PopFrameTag(ctx, ref call, out _) is var failed and not 0) return failed;
        ushort next = LinuxSkBuffContext.Protocol(ctx);
        if (!IsVlan(next)) return 0;
        if (PopFrameTag(ctx, ref call, out ushort tci) is var error and not 0) return error;
        LinuxSkBuffContext.SetVlanTag(ctx, true, tci, next);
        return 0;
    }

    private static bool IsVlan(ushort protocol) => protocol is Vlan8021Q or Vlan8021AD;

    /// <summary>Removes the tag behind the MAC addresses; skb->protocol becomes the EtherType it wrapped.</summary>
    private static ulong PopFrameTag(ulong ctx, ref HelperCallContext call, out ushort tci)
    {
        tci = 0;
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out byte* data, out ulong length) || length < MacAddresses + VlanHeaderLength + 2)
            return LinuxErrno.Negative(LinuxErrno.EInval);
        tci = BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(data + MacAddresses + 2, 2));
        ushort inner = *(ushort*)(data + MacAddresses + VlanHeaderLength);
        ulong status = LinuxSkBuffContext.Splice(ctx, ref call, MacAddresses, -VlanHeaderLength);
        if (status == 0) LinuxSkBuffContext.SetProtocol(ctx, inner);
        return status;
    }

    /// <summary>
    /// bpf_skb_adjust_room(skb, len_diff, mode, flags): opens (or closes) room behind the MAC header
    /// (BPF_ADJ_ROOM_MAC) or behind the base network header (BPF_ADJ_ROOM_NET: 20 bytes of IPv4, 40 of IPv6), with the
    /// kernel's checks: unknown flags or inconsistent encapsulation flags EINVAL, more than 4095 bytes EFAULT, a
    /// packet that is not IP or another mode ENOTSUPP (524), and a shrink must leave the network layer at least its
    /// base header (or the decapsulated one's). Room opened is zeroed. A decapsulation flag sets the new protocol.
    /// </summary>
    public static ulong AdjustRoom(ulong ctx, ulong lengthDiff, ulong mode, ulong flags, ulong r5, ref HelperCallContext call)
    {
        const ulong FixedGso = 1, EncapIpv4 = 2, EncapIpv6 = 4, EncapGre = 8, EncapUdp = 16, NoChecksumReset = 32, EncapL2Eth = 64,
            DecapIpv4 = 128, DecapIpv6 = 256, EncapL2LengthMask = 0xffUL << 56;
        const ulong Known = FixedGso | EncapIpv4 | EncapIpv6 | EncapGre | EncapUdp | NoChecksumReset | EncapL2Eth | DecapIpv4 | DecapIpv6 | EncapL2LengthMask;
        const ulong EncapFlags = EncapIpv4 | EncapIpv6 | EncapGre | EncapUdp | EncapL2Eth | EncapL2LengthMask;
        const uint MacMode = 1, NetMode = 0;
        int diff = (int)lengthDiff;
        uint magnitude = (uint)Math.Abs((long)diff);
        bool shrink = diff < 0;
        if ((flags & ~Known) != 0) return LinuxErrno.Negative(LinuxErrno.EInval);
        if (magnitude > 0xfff) return LinuxErrno.Negative(LinuxErrno.EFault);
        ushort protocol = LinuxSkBuffContext.Protocol(ctx);
        if (protocol is not (Ipv4 or Ipv6)) return unchecked((ulong)-ENotSupp);
        uint baseLength = protocol == Ipv4 ? 20u : 40u, minimum = baseLength;
        uint offset = LinuxSkBuffContext.EthernetHeaderLength;
        if ((uint)mode == NetMode) offset += baseLength;
        else if ((uint)mode != MacMode) return unchecked((ulong)-ENotSupp);
        ulong decap = flags & (DecapIpv4 | DecapIpv6);
        if (decap != 0)
        {
            if (!shrink || decap == (DecapIpv4 | DecapIpv6)) return LinuxErrno.Negative(LinuxErrno.EInval);
            minimum = decap == DecapIpv4 ? 20u : 40u;
        }
        if (shrink ? (flags & EncapFlags) != 0 : !ValidEncapsulation(flags, magnitude)) return LinuxErrno.Negative(LinuxErrno.EInval);
        if (!LinuxContextAccess.TryPacket(ctx, ref call, out _, out ulong length)) return LinuxErrno.Negative(LinuxErrno.EInval);
        ulong network = length - LinuxSkBuffContext.EthernetHeaderLength;
        if (shrink && (magnitude >= network || network - magnitude < minimum)) return unchecked((ulong)-ENotSupp);
        ulong status = LinuxSkBuffContext.Splice(ctx, ref call, offset, diff);
        if (status == 0 && decap != 0) LinuxSkBuffContext.SetProtocol(ctx, decap == DecapIpv4 ? Ipv4 : Ipv6);
        return status;

        static bool ValidEncapsulation(ulong flags, uint room)
        {
            if ((flags & (EncapIpv4 | EncapIpv6)) == (EncapIpv4 | EncapIpv6) || (flags & (EncapGre | EncapUdp)) == (EncapGre | EncapUdp)) return false;
            uint l2Length = (uint)(flags >> 56);
            if ((flags & EncapL2Eth) != 0 && l2Length < LinuxSkBuffContext.EthernetHeaderLength) return false;
            return l2Length <= room;
        }
    }
}
