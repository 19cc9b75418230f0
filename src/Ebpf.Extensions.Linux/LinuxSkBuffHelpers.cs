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
        if (!LinuxSkBuffContext.TryPacket(ctx, ref call, out _, out ulong size)) return LinuxErrno.Negative(LinuxErrno.EInval);
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
        if (flags != 0 || !LinuxSkBuffContext.TryPacket(ctx, ref call, out byte* data, out ulong size)) return LinuxErrno.Negative(LinuxErrno.EInval);
        return LinuxSkBuffContext.Resize(ctx, ref call, data, size, (uint)newLength);
    }
}
